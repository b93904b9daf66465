package tabledata

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// runOffset reads pages by OFFSET: every seek of a relation without key or
// row address, and SeekOffset of any relation. Cursors then carry only
// positions, which are exact.
func (p *pager) runOffset(ctx context.Context) (Page, error) {
	seek := p.req.Seek
	offset, limit := int64(0), p.limit
	switch seek.To {
	case SeekLast:
		rows, err := p.offsetQuery(ctx, reverse(p.order), 0, limit, true, nil)
		if err != nil {
			return Page{}, err
		}
		reverseRows(rows)
		total, exact := p.total()
		pos := max(total-int64(len(rows)), 0)
		atStart := len(rows) < limit
		if atStart {
			pos, exact = 0, true
		}
		return p.page(rows, pos, exact, atStart, true), nil
	case SeekAfter:
		offset = seek.Cursor.Position + 1
	case SeekBefore:
		offset = max(seek.Cursor.Position-int64(limit), 0)
		limit = int(seek.Cursor.Position - offset)
		if limit <= 0 {
			return p.page(nil, 0, true, true, false), nil
		}
	case SeekFraction:
		total, _ := p.total()
		if p.req.Total <= 0 {
			if err := p.estimate(ctx); err != nil {
				return Page{}, err
			}
			total = max(p.est, 0)
		}
		offset = int64(math.Floor(seek.Fraction * float64(total)))
		offset = max(min(offset, total-int64(limit)), 0)
	case SeekOffset:
		offset = seek.Offset
	}
	rows, err := p.offsetQuery(ctx, p.order, offset, limit, p.req.Estimate, nil)
	if err != nil {
		return Page{}, err
	}
	if seek.To == SeekFraction && len(rows) < limit && offset > 0 { // the estimate was too high
		p.req.Seek = Seek{To: SeekLast}
		return p.runOffset(ctx)
	}
	return p.page(rows, offset, true, offset == 0, len(rows) < limit && seek.To != SeekBefore), nil
}

func (p *pager) offsetQuery(ctx context.Context, cols []orderCol, offset int64, limit int, estimate bool, extra func(*stmt)) ([][]*string, error) {
	s := p.selectStmt(extra)
	writeOrderBy(s, cols)
	s.w(" LIMIT " + strconv.Itoa(limit))
	if offset > 0 {
		s.w(" OFFSET " + strconv.FormatInt(offset, 10))
	}
	stmts := []*stmt{s}
	if estimate {
		stmts = append(stmts, p.explain())
	}
	res, err := readOnly(ctx, p.pg, stmts...)
	if err != nil {
		return nil, err
	}
	if estimate {
		p.est = planRows(res[1].rows)
	}
	return res[0].rows, nil
}

// estimate runs the planner's estimate alone.
func (p *pager) estimate(ctx context.Context) error {
	res, err := readOnly(ctx, p.pg, p.explain())
	if err != nil {
		return err
	}
	p.est = planRows(res[0].rows)
	return nil
}

// runFraction reads the page about Fraction of the way through. Counting
// rows to get there would read them all, so the page instead starts at the
// value of the leading order column that sits at that fraction: from the
// planner's statistics (pg_stats: most common values and histogram), or,
// without statistics, a value interpolated between the column's minimum
// and maximum (numbers, dates, times and intervals; one index probe each).
// The page starts at the first row with that value (or beyond it, in the
// order), and its position is estimated from the statistics. Among the
// NULLs of the leading column, and where neither works (a text column
// without statistics, a table without a key), it uses OFFSET.
func (p *pager) runFraction(ctx context.Context) (Page, error) {
	f := p.req.Seek.Fraction
	if f <= 0 {
		p.req.Seek = Seek{To: SeekFirst}
		return p.run(ctx)
	}
	if f >= 1 {
		p.req.Seek = Seek{To: SeekLast}
		return p.run(ctx)
	}
	if p.req.Total <= 0 {
		if err := p.estimate(ctx); err != nil {
			return Page{}, err
		}
	}
	total, _ := p.total()
	lead := p.order[0]
	a, err := p.anchor(ctx, lead, f)
	if err != nil {
		return Page{}, err
	}
	if a.nullOffset >= 0 { // among the NULLs: OFFSET into them
		rows, err := p.offsetQuery(ctx, p.order, a.nullOffset, p.limit, false, func(s *stmt) { s.w(lead.expr, " IS NULL") })
		if err != nil {
			return Page{}, err
		}
		if len(rows) == p.limit {
			return p.page(rows, a.nullsBefore+a.nullOffset, false, false, false), nil
		}
		p.req.Seek = Seek{To: SeekLast}
		return p.run(ctx)
	}
	if a.value == nil { // OFFSET: slow far in, but its position is exact
		p.req.Seek = Seek{To: SeekOffset, Offset: int64(math.Floor(f * float64(total)))}
		page, err := p.runOffset(ctx)
		if err != nil || len(page.Rows) == p.limit {
			return page, err
		}
		p.req.Seek = Seek{To: SeekLast} // the estimate was too high
		return p.run(ctx)
	}
	rows, err := p.query(ctx, p.order, func(s *stmt) {
		s.w(lead.expr, map[bool]string{false: " >= ", true: " <= "}[lead.desc])
		lead.param(s, a.value)
	}, p.limit, false)
	if err != nil {
		return Page{}, err
	}
	if len(rows) < p.limit { // too near the end for a whole page
		p.req.Seek = Seek{To: SeekLast}
		return p.run(ctx)
	}
	pos := int64(math.Round(a.before * float64(total)))
	if a.before < 0 {
		pos = int64(math.Round(f * float64(total)))
	}
	pos = max(min(pos, total-int64(len(rows))), 1)
	return p.page(rows, pos, false, false, false), nil
}

// anchorAt is where a fraction lies in the leading order column.
type anchorAt struct {
	value *string // the value to start at; nil when none was found
	// before is the estimated share of rows before the value, -1 when
	// unknown.
	before float64
	// nullOffset is, when the fraction falls among the NULLs, how many
	// NULL rows to skip (-1 otherwise); nullsBefore how many rows come
	// before the NULLs.
	nullOffset, nullsBefore int64
}

// anchor finds the value of the leading order column at fraction f of the
// order (see runFraction).
func (p *pager) anchor(ctx context.Context, lead orderCol, f float64) (anchorAt, error) {
	none := anchorAt{before: -1, nullOffset: -1}
	if lead.col == nil {
		return none, nil
	}
	total, _ := p.total()
	if p.r.Kind != KindView && p.r.Kind != KindForeignTable && !hasFilter(p.req.Filter) {
		a, ok, err := p.quantile(ctx, lead, f, float64(total))
		if err != nil || ok {
			return a, err
		}
	}
	v, err := p.interpolate(ctx, lead, f)
	return anchorAt{value: v, before: -1, nullOffset: -1}, err
}

// quantile places f with the column's statistics. Statistics describe the
// non-NULL values in ascending order; the NULLs come last in an ascending
// order and first in a descending one.
func (p *pager) quantile(ctx context.Context, lead orderCol, f, total float64) (anchorAt, bool, error) {
	at := func(q float64) ([]*string, error) {
		sql := strings.ReplaceAll(queryQuantile, "COLTYPE", lead.col.castType)
		res, err := readOnly(ctx, p.pg, rawStmt(sql, p.r.Schema, p.r.Name, lead.col.Name, strconv.FormatFloat(q, 'g', -1, 64)))
		if err != nil || len(res[0].rows) == 0 {
			return nil, err
		}
		return res[0].rows[0], nil
	}
	num := func(v *string) float64 {
		if v == nil {
			return 0
		}
		x, _ := strconv.ParseFloat(*v, 64)
		return x
	}
	row, err := at(0.5)
	if err != nil || row == nil {
		return anchorAt{}, false, err
	}
	nf := num(row[3])
	nonNull := 1 - nf
	a := anchorAt{before: -1, nullOffset: -1}
	switch {
	case !lead.desc && f >= nonNull:
		a.nullsBefore = int64(nonNull * total)
		a.nullOffset = int64((f - nonNull) * total)
		return a, true, nil
	case lead.desc && f < nf:
		a.nullOffset = int64(f * total)
		return a, true, nil
	}
	q := f / nonNull
	if lead.desc {
		q = 1 - (f-nf)/nonNull
	}
	if row, err = at(q); err != nil || row == nil {
		return anchorAt{}, false, err
	}
	a.value = row[0]
	if lead.desc {
		a.before = nf + (1-num(row[2]))*nonNull
	} else {
		a.before = num(row[1]) * nonNull
	}
	return a, a.value != nil, nil
}

// interpolate returns the value fraction f of the way from the column's
// minimum to its maximum (among the filtered rows), for numbers, dates,
// times, timestamps and intervals; nil for other types or no rows.
func (p *pager) interpolate(ctx context.Context, lead orderCol, f float64) (*string, error) {
	c := lead.col
	if lead.desc {
		f = 1 - f
	}
	var expr string
	switch c.baseOID {
	case 20, 21, 23, 700, 701, 1700: // integers, floats, numeric
		expr = "(min(%[1]s)::float8 + (max(%[1]s)::float8 - min(%[1]s)::float8) * %[2]s)::" + c.castType
	case 1082: // date
		expr = "min(%[1]s) + ((max(%[1]s) - min(%[1]s)) * %[2]s)::int"
	case 1083, 1114, 1184, 1186: // time, timestamp, timestamptz, interval
		expr = "min(%[1]s) + (max(%[1]s) - min(%[1]s)) * %[2]s"
	default:
		return nil, nil
	}
	s := &stmt{}
	s.w("SELECT ", fmt.Sprintf(expr, lead.expr, strconv.FormatFloat(f, 'f', 6, 64)+"::float8"), " FROM ", p.r.Qualified())
	p.writeWhere(s, nil)
	res, err := readOnly(ctx, p.pg, s)
	if err != nil || len(res[0].rows) == 0 {
		return nil, err
	}
	return res[0].rows[0][0], nil
}
