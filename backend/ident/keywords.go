package ident

// keywords are the PostgreSQL keywords that cannot be used as a bare column
// or table name in every position: the RESERVED, TYPE_FUNC_NAME and
// COL_NAME categories of src/include/parser/kwlist.h, over PostgreSQL 12 to
// 18 (JSON_* and MERGE_ACTION came in 16 and 17, SYSTEM_USER in 16).
// Unreserved keywords (name, type, value, …) never need quotes.
var keywords = set(
	// reserved
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
	"case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
	"current_date", "current_role", "current_time", "current_timestamp", "current_user",
	"default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
	"fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially",
	"intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
	"null", "offset", "on", "only", "or", "order", "placing", "primary", "references",
	"returning", "select", "session_user", "some", "symmetric", "system_user", "table", "then",
	"to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where",
	"window", "with",
	// type or function names only
	"authorization", "binary", "collation", "concurrently", "cross", "current_schema",
	"freeze", "full", "ilike", "inner", "is", "isnull", "join", "left", "like", "natural",
	"notnull", "outer", "overlaps", "right", "similar", "tablesample", "verbose",
	// column names only
	"between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal",
	"exists", "extract", "float", "greatest", "grouping", "inout", "int", "integer",
	"interval", "json", "json_array", "json_arrayagg", "json_exists", "json_object",
	"json_objectagg", "json_query", "json_scalar", "json_serialize", "json_table",
	"json_value", "least", "merge_action", "national", "nchar", "none", "normalize", "nullif",
	"numeric", "out", "overlay", "position", "precision", "real", "row", "setof", "smallint",
	"substring", "time", "timestamp", "treat", "trim", "values", "varchar", "xmlattributes",
	"xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi",
	"xmlroot", "xmlserialize", "xmltable",
)

func set(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}
