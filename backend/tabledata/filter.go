package tabledata

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/ident"
	"github.com/tusk-app/tusk/backend/query"
)

// Operator is a filter condition's comparison.
type Operator string

// The operators of a Condition. Values are text, as the user types them;
// each is sent as a bound parameter, never spliced into the SQL.
const (
	OpEqual         Operator = "eq"            // =    (one value)
	OpNotEqual      Operator = "ne"            // <>   (one value; NULLs never match)
	OpLess          Operator = "lt"            // <    (ordered types)
	OpLessEqual     Operator = "le"            // <=
	OpGreater       Operator = "gt"            // >
	OpGreaterEqual  Operator = "ge"            // >=
	OpBetween       Operator = "between"       // BETWEEN two values, both included
	OpIn            Operator = "in"            // IN (one or more values)
	OpContains      Operator = "contains"      // LIKE '%v%' (the value is literal text: % and _ match themselves)
	OpStartsWith    Operator = "starts_with"   // LIKE 'v%'
	OpEndsWith      Operator = "ends_with"     // LIKE '%v'
	OpIContains     Operator = "icontains"     // ILIKE '%v%'
	OpIStartsWith   Operator = "istarts_with"  // ILIKE 'v%'
	OpIEndsWith     Operator = "iends_with"    // ILIKE '%v'
	OpIsNull        Operator = "is_null"       // IS NULL (no value)
	OpIsNotNull     Operator = "is_not_null"   // IS NOT NULL (no value)
	OpJSONContains  Operator = "json_contains" // @> a JSON document (json and jsonb columns)
	OpArrayContains Operator = "array_contains"
)

// Condition is one condition on one column.
type Condition struct {
	Column string   `json:"column"`
	Op     Operator `json:"op"`
	// Values are the operands as text: none for is_null and is_not_null,
	// two for between, one or more for in and array_contains (the elements
	// the array must contain), one otherwise.
	Values []string `json:"values"`
}

// Filter narrows the rows of a data tab, on the server. In builder mode
// (Mode "" or "builder") it is Conditions and nested Groups joined by AND
// (Match "all" or "") or OR (Match "any"); in SQL mode (Mode "sql") it is the
// raw condition SQL, written after WHERE. The zero Filter keeps every row.
type Filter struct {
	Mode       string      `json:"mode"`
	Match      string      `json:"match"`
	Conditions []Condition `json:"conditions"`
	Groups     []Filter    `json:"groups"`
	SQL        string      `json:"sql"`
}

// maxFilterDepth bounds nested groups.
const maxFilterDepth = 8

// operators returns the operators that fit a column's type.
func (c *Column) operators() []Operator {
	ops := []Operator{OpEqual, OpNotEqual}
	if c.Sortable {
		ops = append(ops, OpLess, OpLessEqual, OpGreater, OpGreaterEqual, OpBetween)
	}
	ops = append(ops, OpIn)
	if c.Category != CategoryBytea {
		ops = append(ops, OpContains, OpStartsWith, OpEndsWith, OpIContains, OpIStartsWith, OpIEndsWith)
	}
	ops = append(ops, OpIsNull, OpIsNotNull)
	switch c.Category {
	case CategoryJSON:
		ops = append(ops, OpJSONContains)
	case CategoryArray:
		ops = append(ops, OpArrayContains)
	}
	return ops
}

// probe is a value that must be valid input for a type before a statement
// runs: field names it in the request ("filter.conditions.0.values.1").
type probe struct {
	field   string
	value   string
	typ     string // a type name as format_type writes it
	message string // the server's objection, once probed
}

// whereResult is what checking a filter found: the values to probe before
// anything runs and the mistakes in the filter itself.
type whereResult struct {
	probes []probe
	errs   []apperr.FieldError
}

// hasFilter reports whether f keeps fewer than all rows.
func hasFilter(f Filter) bool {
	if f.Mode == "sql" {
		return strings.TrimSpace(f.SQL) != ""
	}
	return !empty(f)
}

// where writes the filter's condition to s (nothing when !hasFilter(f)).
// Raw SQL is written on lines of its own inside parentheses, and its place
// in s is recorded so that a server error in it can point into the text the
// user typed.
func (r *Relation) where(f Filter, s *stmt) whereResult {
	var res whereResult
	switch f.Mode {
	case "", "builder":
		if empty(f) {
			return res
		}
		r.group(f, s, "filter", 0, &res)
	case "sql":
		text := strings.TrimSpace(f.SQL)
		if text == "" {
			return res
		}
		if msg := checkRawCondition(text); msg != "" {
			res.errs = append(res.errs, apperr.FieldError{Field: "filter.sql", Message: msg})
			s.w("false")
			return res
		}
		s.w("(\n")
		s.rawAt = utf8.RuneCountInString(s.sql.String()) + 1
		s.rawLen = utf8.RuneCountInString(text)
		s.w(text, "\n)")
	default:
		res.errs = append(res.errs, apperr.FieldError{Field: "filter.mode", Message: "the filter mode must be builder or sql"})
		s.w("false")
	}
	return res
}

func empty(f Filter) bool {
	if len(f.Conditions) > 0 {
		return false
	}
	for _, g := range f.Groups {
		if !empty(g) {
			return false
		}
	}
	return true
}

func (r *Relation) group(f Filter, s *stmt, path string, depth int, res *whereResult) {
	join := " AND "
	switch f.Match {
	case "", "all":
	case "any":
		join = " OR "
	default:
		res.errs = append(res.errs, apperr.FieldError{Field: path + ".match", Message: "match must be all or any"})
	}
	if depth > maxFilterDepth {
		res.errs = append(res.errs, apperr.FieldError{Field: path, Message: fmt.Sprintf("groups nest deeper than %d levels", maxFilterDepth)})
		return
	}
	s.w("(")
	n := 0
	for i, c := range f.Conditions {
		if n > 0 {
			s.w(join)
		}
		n++
		r.condition(c, s, fmt.Sprintf("%s.conditions.%d", path, i), res)
	}
	for i, g := range f.Groups {
		if empty(g) {
			continue
		}
		if n > 0 {
			s.w(join)
		}
		n++
		r.group(g, s, fmt.Sprintf("%s.groups.%d", path, i), depth+1, res)
	}
	s.w(")")
}

func (r *Relation) condition(c Condition, s *stmt, path string, res *whereResult) {
	col, ok := r.Column(c.Column)
	if !ok {
		res.errs = append(res.errs, apperr.FieldError{Field: path + ".column", Message: fmt.Sprintf("there is no column %q", c.Column)})
		s.w("false")
		return
	}
	fail := func(field, msg string) {
		res.errs = append(res.errs, apperr.FieldError{Field: path + field, Message: msg})
		s.w("false")
	}
	want := 1
	switch c.Op {
	case OpIsNull, OpIsNotNull:
		want = 0
	case OpBetween:
		want = 2
	case OpIn, OpArrayContains:
		want = -1
	}
	switch {
	case want >= 0 && len(c.Values) != want:
		fail(".values", fmt.Sprintf("%s needs %s", c.Op, plural(want, "value")))
		return
	case want < 0 && len(c.Values) == 0:
		fail(".values", fmt.Sprintf("%s needs at least one value", c.Op))
		return
	}
	if !contains(col.Operators, c.Op) {
		fail(".op", fmt.Sprintf("%s does not apply to column %q of type %s", c.Op, col.Name, col.Type))
		return
	}
	name := ident.Quote(col.Name)
	// Columns without an ordering have no = either (json, xml, point):
	// they compare by their text, which is exact for the value as shown.
	lhs, typ := name, col.BaseType
	if !col.Sortable {
		lhs, typ = name+"::text", ""
	}
	check := func(i int, t string) {
		if t != "" {
			res.probes = append(res.probes, probe{field: fmt.Sprintf("%s.values.%d", path, i), value: c.Values[i], typ: t})
		}
	}
	num := col.numeric() && col.Sortable
	switch c.Op {
	case OpEqual, OpNotEqual, OpLess, OpLessEqual, OpGreater, OpGreaterEqual:
		op := map[Operator]string{OpEqual: " = ", OpNotEqual: " <> ", OpLess: " < ", OpLessEqual: " <= ", OpGreater: " > ", OpGreaterEqual: " >= "}[c.Op]
		s.w(lhs, op)
		r.value(s, col, c.Values[0], num)
		check(0, typ)
	case OpBetween:
		s.w(lhs, " BETWEEN ")
		r.value(s, col, c.Values[0], num)
		s.w(" AND ")
		r.value(s, col, c.Values[1], num)
		check(0, typ)
		check(1, typ)
	case OpIn:
		s.w(lhs, " IN (")
		for i, v := range c.Values {
			if i > 0 {
				s.w(", ")
			}
			r.value(s, col, v, num)
			check(i, typ)
		}
		s.w(")")
	case OpContains, OpStartsWith, OpEndsWith, OpIContains, OpIStartsWith, OpIEndsWith:
		if col.Category != CategoryText {
			lhs = name + "::text"
		}
		like := " LIKE "
		if c.Op == OpIContains || c.Op == OpIStartsWith || c.Op == OpIEndsWith {
			like = " ILIKE "
		}
		pat := escapeLike(c.Values[0])
		switch c.Op {
		case OpContains, OpIContains:
			pat = "%" + pat + "%"
		case OpStartsWith, OpIStartsWith:
			pat += "%"
		default:
			pat = "%" + pat
		}
		s.w(lhs, like).ps(pat, false)
	case OpIsNull:
		s.w(name, " IS NULL")
	case OpIsNotNull:
		s.w(name, " IS NOT NULL")
	case OpJSONContains:
		if col.baseOID == oidJSONB {
			s.w(name)
		} else {
			s.w(name, "::jsonb")
		}
		s.w(" @> ").ps(c.Values[0], false).w("::jsonb")
		check(0, "jsonb")
	case OpArrayContains:
		s.w(name, " @> ARRAY[")
		for i, v := range c.Values {
			if i > 0 {
				s.w(", ")
			}
			s.ps(v, false)
			check(i, col.ElementType)
		}
		s.w("]::", col.castType)
	}
}

// value writes a parameter compared with col; composite values need a cast
// (an untyped literal cannot become an anonymous record).
func (r *Relation) value(s *stmt, col *Column, v string, num bool) {
	s.ps(v, num)
	if col.baseType == "c" && col.Sortable {
		s.w("::", col.castType)
	}
}

// escapeLike makes v match itself in a LIKE pattern (backslash is LIKE's
// default escape character).
func escapeLike(v string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(v)
}

// checkRawCondition returns why text cannot be a WHERE condition on its own
// ("" when it can): it must not end the statement or close more
// parentheses than it opens, so it cannot reach outside WHERE ( … ).
func checkRawCondition(text string) string {
	depth := 0
	for _, t := range query.Tokens(text) {
		switch {
		case t.IsPunct(";"):
			return "the condition must not contain a semicolon outside quotes"
		case t.IsPunct("("):
			depth++
		case t.IsPunct(")"):
			depth--
			if depth < 0 {
				return "the condition closes a parenthesis it did not open"
			}
		}
	}
	if depth != 0 {
		return "the condition leaves a parenthesis open"
	}
	return ""
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func plural(n int, word string) string {
	if n == 1 {
		return "one " + word
	}
	if n == 0 {
		return "no " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
