package tabledata

import (
	"regexp"
	"strconv"
	"strings"
)

// stmt builds one SQL statement twice over: the text sent to the server,
// with every value a $n parameter, and the text a user reviews, with every
// value written as the literal the parameter stands for. Both are built by
// the same calls, so the review can never drift from what runs.
type stmt struct {
	sql, review strings.Builder
	args        [][]byte // parameter values in text format; nil = NULL
	// rawAt is the 1-based character position in sql where a raw filter
	// condition starts (0 when there is none), rawLen its length.
	rawAt, rawLen int
}

// rawStmt is a fixed statement (an embedded catalog query) with text
// arguments.
func rawStmt(sql string, args ...string) *stmt {
	s := &stmt{}
	s.w(sql)
	for _, a := range args {
		s.args = append(s.args, []byte(a))
	}
	return s
}

// w appends SQL text (keywords, quoted identifiers, operators) to both forms.
func (s *stmt) w(parts ...string) *stmt {
	for _, p := range parts {
		s.sql.WriteString(p)
		s.review.WriteString(p)
	}
	return s
}

// p appends a parameter holding v (nil = NULL). num tells the review that
// the value may be written as a bare number when it looks like one.
func (s *stmt) p(v *string, num bool) *stmt {
	if v == nil {
		s.args = append(s.args, nil)
	} else {
		s.args = append(s.args, []byte(*v))
	}
	s.sql.WriteString("$" + strconv.Itoa(len(s.args)))
	s.review.WriteString(literal(v, num))
	return s
}

// ps appends a parameter holding the string v.
func (s *stmt) ps(v string, num bool) *stmt { return s.p(&v, num) }

// SQL returns the statement with $n parameters.
func (s *stmt) SQL() string { return s.sql.String() }

// Review returns the statement with literals.
func (s *stmt) Review() string { return s.review.String() }

// plainNumber matches the numbers a review may write bare: they read back
// as the same value of any numeric column type.
var plainNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// literal writes v as an SQL constant: NULL, a bare number (num and a plain
// decimal number), or a string literal with quotes doubled. Backslashes stay
// as they are, which is right with standard_conforming_strings on (the
// default since PostgreSQL 9.1; Tusk's sessions never turn it off).
func literal(v *string, num bool) string {
	if v == nil {
		return "NULL"
	}
	if num && plainNumber.MatchString(*v) && *v != "-0" {
		return *v
	}
	return "'" + strings.ReplaceAll(*v, "'", "''") + "'"
}

// numeric reports whether a column's values may be reviewed as bare
// numbers: integers and numeric, whose comparisons with a numeric constant
// mean the same as with a quoted one. Floats stay quoted: float4 = 1.1
// would compare as float8 and be false.
func (c *Column) numeric() bool {
	switch c.baseOID {
	case 20, 21, 23, 26, 1700: // int8, int2, int4, oid, numeric
		return true
	}
	return false
}
