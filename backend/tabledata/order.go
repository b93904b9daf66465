package tabledata

import (
	"fmt"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/ident"
)

// SortKey is one column of a sort, ascending unless Desc. NULLs come last
// when ascending and first when descending (PostgreSQL's default, which
// lets an ordinary index serve the order in both directions).
type SortKey struct {
	Column string `json:"column"`
	Desc   bool   `json:"desc"`
}

// orderCol is one expression of a page's ORDER BY.
type orderCol struct {
	expr    string // quoted column name, or a system column
	index   int    // index in Relation.Columns; -1 for a system column
	col     *Column
	desc    bool
	notNull bool
}

// setOrder records the relation's tie-breaking order: its key, else the
// physical row address (ctid; for a partitioned table the partition and
// the address), else — for views and foreign tables without a key — every
// sortable column, with pages read by OFFSET.
func (r *Relation) setOrder() {
	r.order = nil
	for _, k := range r.Key {
		i := r.columnIndex(k)
		r.order = append(r.order, orderCol{expr: ident.Quote(k), index: i, col: &r.Columns[i], notNull: true})
	}
	if len(r.order) > 0 {
		return
	}
	switch r.Kind {
	case KindTable, KindMaterializedView:
		r.order = []orderCol{{expr: "ctid", index: -1, notNull: true}}
	case KindPartitionedTable:
		r.order = []orderCol{{expr: "tableoid", index: -1, notNull: true}, {expr: "ctid", index: -1, notNull: true}}
	default:
		r.offsetPaging = true
	}
}

// orderFor returns the full ORDER BY of a sort: the user's columns, then
// the relation's tie-breakers that are not among them.
func (r *Relation) orderFor(sort []SortKey) ([]orderCol, []apperr.FieldError) {
	var out []orderCol
	var errs []apperr.FieldError
	seen := map[string]bool{}
	for i, k := range sort {
		idx := r.columnIndex(k.Column)
		field := fmt.Sprintf("sort.%d.column", i)
		switch {
		case idx < 0:
			errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf("there is no column %q", k.Column)})
			continue
		case !r.Columns[idx].Sortable:
			errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf("column %q of type %s cannot be sorted", k.Column, r.Columns[idx].Type)})
			continue
		case seen[ident.Quote(k.Column)]:
			errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf("column %q is already in the sort", k.Column)})
			continue
		}
		c := &r.Columns[idx]
		seen[ident.Quote(k.Column)] = true
		out = append(out, orderCol{expr: ident.Quote(c.Name), index: idx, col: c, desc: k.Desc, notNull: !c.Nullable || c.InKey})
	}
	for _, o := range r.order {
		if !seen[o.expr] {
			seen[o.expr] = true
			out = append(out, o)
		}
	}
	if r.offsetPaging {
		for i := range r.Columns {
			c := &r.Columns[i]
			if q := ident.Quote(c.Name); c.Sortable && !seen[q] {
				seen[q] = true
				out = append(out, orderCol{expr: q, index: i, col: c, notNull: !c.Nullable})
			}
		}
	}
	return out, errs
}

// reverse returns the order read backwards (NULLs move with the direction,
// so ASC NULLS LAST becomes DESC NULLS FIRST).
func reverse(cols []orderCol) []orderCol {
	out := make([]orderCol, len(cols))
	for i, c := range cols {
		c.desc = !c.desc
		out[i] = c
	}
	return out
}

func writeOrderBy(s *stmt, cols []orderCol) {
	if len(cols) == 0 {
		return
	}
	s.w(" ORDER BY ")
	for i, c := range cols {
		if i > 0 {
			s.w(", ")
		}
		s.w(c.expr)
		if c.desc {
			s.w(" DESC")
		}
	}
}

// param writes a cursor value compared with column c.
func (c orderCol) param(s *stmt, v *string) {
	num := c.col != nil && c.col.numeric()
	s.p(v, num)
	if c.col != nil && c.col.baseType == "c" {
		s.w("::", c.col.castType)
	}
}

func (c orderCol) greater() string {
	if c.desc {
		return " < "
	}
	return " > "
}

// after writes "the row comes strictly after the row whose order values
// are vals" in the order cols. NULLs sort after every value in ascending
// columns and before them in descending ones.
func after(s *stmt, cols []orderCol, vals []*string) {
	if sameDirectionNotNull(cols, vals) && len(cols) > 1 {
		// (a, b) > ($1, $2): one condition an index on (a, b) serves.
		s.w("(")
		for i, c := range cols {
			if i > 0 {
				s.w(", ")
			}
			s.w(c.expr)
		}
		s.w(")", cols[0].greater(), "(")
		for i, c := range cols {
			if i > 0 {
				s.w(", ")
			}
			c.param(s, vals[i])
		}
		s.w(")")
		return
	}
	c, v := cols[0], vals[0]
	rest, restVals := cols[1:], vals[1:]
	var alts []func()
	if v == nil {
		if len(rest) > 0 {
			alts = append(alts, func() { s.w(c.expr, " IS NULL AND "); after(s, rest, restVals) })
		}
		if c.desc {
			alts = append(alts, func() { s.w(c.expr, " IS NOT NULL") })
		}
	} else {
		alts = append(alts, func() { s.w(c.expr, c.greater()); c.param(s, v) })
		if len(rest) > 0 {
			alts = append(alts, func() { s.w(c.expr, " = "); c.param(s, v); s.w(" AND "); after(s, rest, restVals) })
		}
		if !c.notNull && !c.desc {
			alts = append(alts, func() { s.w(c.expr, " IS NULL") })
		}
	}
	if len(alts) == 0 {
		s.w("false")
		return
	}
	s.w("(")
	for i, a := range alts {
		if i > 0 {
			s.w(" OR ")
		}
		a()
	}
	s.w(")")
}

// afterLeadingValue writes "after vals" for a leading column known to be
// non-NULL in the rows considered, with an extra bound on it alone (a >=
// $1) that an index on the leading column can serve even when the rest of
// the order is not in the index.
func afterLeadingValue(s *stmt, cols []orderCol, vals []*string) {
	c := cols[0]
	c.notNull = true
	lead := append([]orderCol{c}, cols[1:]...)
	if sameDirectionNotNull(lead, vals) {
		after(s, lead, vals)
		return
	}
	s.w(c.expr, map[bool]string{false: " >= ", true: " <= "}[c.desc])
	c.param(s, vals[0])
	s.w(" AND ")
	after(s, lead, vals)
}

// sameDirectionNotNull reports whether every column is NOT NULL (and every
// value given) and all go the same direction: then a row comparison
// expresses "after".
func sameDirectionNotNull(cols []orderCol, vals []*string) bool {
	for i, c := range cols {
		if !c.notNull || vals[i] == nil || c.desc != cols[0].desc {
			return false
		}
	}
	return true
}
