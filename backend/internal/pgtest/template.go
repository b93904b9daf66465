package pgtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The predefined roles and database of every cluster.
const (
	superUser    = "postgres"
	scramUser    = "tusk_scram"
	trustUser    = "tusk_trust"
	rejectedUser = "tusk_rejected"
	testDatabase = "tusk_test"
)

// templateRecipe changes whenever the template's contents change, so old
// templates are not reused.
const templateRecipe = "tusk-pgtest-template-v3"

// bootstrapSQL runs once per template in single-user mode (one statement per
// line). The scram user's password is set per cluster.
var bootstrapSQL = strings.Join([]string{
	"CREATE ROLE " + scramUser + " LOGIN",
	"CREATE ROLE " + trustUser + " LOGIN",
	"CREATE ROLE " + rejectedUser + " LOGIN",
	"CREATE DATABASE " + testDatabase + " OWNER " + trustUser,
}, ";\n") + ";\n"

// defaultPrivilegesSQL makes objects the superuser creates in a test
// database (Exec fixtures) usable by every role.
var defaultPrivilegesSQL = strings.Join([]string{
	"ALTER DEFAULT PRIVILEGES FOR ROLE " + superUser + " GRANT ALL ON TABLES TO PUBLIC",
	"ALTER DEFAULT PRIVILEGES FOR ROLE " + superUser + " GRANT ALL ON SEQUENCES TO PUBLIC",
	"ALTER DEFAULT PRIVILEGES FOR ROLE " + superUser + " GRANT ALL ON TYPES TO PUBLIC",
	"GRANT ALL ON SCHEMA public TO PUBLIC",
}, ";\n") + ";\n"

// ensureTemplate returns the directory of an initialised, never started data
// directory template ("<dir>/data") for this server and OS user, creating it
// on first use. Concurrent test binaries race benignly: each builds its own
// copy and the first rename wins.
func ensureTemplate(srv server, owner runAs, env []string) (string, error) {
	id := templateID(srv, owner)
	dir := filepath.Join(rootDir(), "tusk-pgtest-template-"+id)
	if templateValid(dir) {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(rootDir(), "tusk-pgtest-template-new-")
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	if err := owner.chown(tmp); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	data := filepath.Join(tmp, "data")
	// -N: no fsync; the template is copied and thrown away with its clusters.
	// 1 MB WAL segments instead of 16 MB make every copy smaller.
	if err := owner.run(env, "", filepath.Join(srv.binDir, "initdb"),
		"-D", data, "-U", superUser, "-A", "trust", "-E", "UTF8", "--locale=C", "-N", "--wal-segsize=1"); err != nil {
		return "", err
	}
	single := func(db, sql string) error {
		return owner.run(env, sql, filepath.Join(srv.binDir, "postgres"),
			"--single", "-D", data, "-F", "-c", "exit_on_error=on", db)
	}
	if err := single("postgres", bootstrapSQL); err != nil {
		return "", err
	}
	if err := single(testDatabase, defaultPrivilegesSQL); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, "ok"), []byte(templateRecipe+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if templateValid(dir) {
			return dir, nil // another process won the race
		}
		return "", fmt.Errorf("pgtest: install template: %w", err)
	}
	return dir, nil
}

func templateValid(dir string) bool {
	ok, err := os.ReadFile(filepath.Join(dir, "ok"))
	if err != nil || strings.TrimSpace(string(ok)) != templateRecipe {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, "data", "PG_VERSION"))
	return err == nil
}

// templateID identifies the server build (path, version, binary size and
// time), the OS user and the recipe.
func templateID(srv server, owner runAs) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%d\n", templateRecipe, srv.binDir, srv.version, owner.uid)
	if fi, err := os.Stat(filepath.Join(srv.binDir, "postgres")); err == nil {
		fmt.Fprintf(h, "%d %d\n", fi.Size(), fi.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
