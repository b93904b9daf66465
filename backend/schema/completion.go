package schema

import "strings"

// DefaultSchema is the schema whose tables Completion also lists unqualified:
// the one a default search_path ("$user", public) resolves to.
const DefaultSchema = "public"

// Completion returns the tables, views and foreign tables of the cache in
// the shape CodeMirror's sql({schema}) takes: "schema.table" → column names
// in column order, plus "table" → columns for the tables of DefaultSchema.
// Names are unquoted (CodeMirror quotes those that need it when it applies a
// completion), except that a dot inside a schema or table name is escaped as
// `\.`, since @codemirror/lang-sql splits keys on unescaped dots. Every call
// builds a new map; a table's qualified and unqualified keys share one
// column slice.
func (c *Cache) Completion() map[string][]string {
	n := 0
	for _, s := range c.Schemas {
		n += len(s.Tables) + len(s.Views)
		if s.Name == DefaultSchema {
			n += len(s.Tables) + len(s.Views)
		}
	}
	out := make(map[string][]string, n)
	for _, s := range c.Schemas {
		for _, list := range [][]Table{s.Tables, s.Views} {
			for _, t := range list {
				cols := make([]string, len(t.Columns))
				for i := range t.Columns {
					cols[i] = t.Columns[i].Name
				}
				table := escapeDots(t.Name)
				out[escapeDots(s.Name)+"."+table] = cols
				if s.Name == DefaultSchema {
					out[table] = cols
				}
			}
		}
	}
	return out
}

// escapeDots escapes the dots in a completion key part.
func escapeDots(name string) string {
	if !strings.Contains(name, ".") {
		return name
	}
	return strings.ReplaceAll(name, ".", `\.`)
}
