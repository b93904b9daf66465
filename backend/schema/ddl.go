package schema

import "strings"

// ChangesSchema reports whether a statement with the given command tag (as
// pgconn.CommandTag.String returns it, e.g. "CREATE TABLE", "ALTER TABLE",
// "DROP INDEX", "SELECT 5") may have changed what a Cache holds, so that the
// cache should be reloaded: CREATE, ALTER, DROP, COMMENT, GRANT, REVOKE,
// IMPORT FOREIGN SCHEMA, SECURITY LABEL and REFRESH MATERIALIZED VIEW (which
// changes the row estimate). "SELECT n" is false even for SELECT … INTO,
// whose tag cannot be told apart.
func ChangesSchema(commandTag string) bool {
	tag := strings.ToUpper(strings.TrimSpace(commandTag))
	for _, p := range []string{"CREATE ", "ALTER ", "DROP ", "COMMENT", "GRANT", "REVOKE",
		"IMPORT FOREIGN SCHEMA", "SECURITY LABEL", "REFRESH MATERIALIZED VIEW"} {
		if strings.HasPrefix(tag, p) {
			return true
		}
	}
	return false
}
