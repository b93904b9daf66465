package ident

import "strings"

// Quote returns name as an SQL identifier: bare when that is unambiguous on
// every supported server version (see the package documentation), otherwise
// double-quoted with embedded double quotes doubled. The empty name is
// quoted ("") so that the server reports it instead of misreading the SQL.
func Quote(name string) string {
	if isBare(name) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Qualified returns schema.name with both parts quoted by Quote.
func Qualified(schema, name string) string {
	return Quote(schema) + "." + Quote(name)
}

// isBare reports whether name may be written without quotes.
func isBare(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case c >= '0' && c <= '9':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	_, kw := keywords[name]
	return !kw
}

// IsKeyword reports whether word (lower case) is a keyword that Quote
// always quotes.
func IsKeyword(word string) bool {
	_, ok := keywords[word]
	return ok
}

// Keywords returns the keywords Quote always quotes, in no particular order.
func Keywords() []string {
	out := make([]string, 0, len(keywords))
	for k := range keywords {
		out = append(out, k)
	}
	return out
}
