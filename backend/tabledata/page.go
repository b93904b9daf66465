package tabledata

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/ident"
)

// Page sizes.
const (
	// DefaultPageRows is the page size when PageRequest.Limit is 0.
	DefaultPageRows = 200
	// MaxPageRows caps PageRequest.Limit.
	MaxPageRows = 10_000
	// DefaultMaxCellBytes caps a cell's text in a page (see Page.Truncated).
	DefaultMaxCellBytes = 16 << 10
)

// SeekTo says where a page starts.
type SeekTo string

// Where a page can start.
const (
	SeekFirst    SeekTo = "first"    // the first rows
	SeekLast     SeekTo = "last"     // the last rows (read backwards, returned in order)
	SeekAfter    SeekTo = "after"    // the rows right after Cursor
	SeekBefore   SeekTo = "before"   // the rows right before Cursor
	SeekFraction SeekTo = "fraction" // about Fraction (0–1) of the way through
	SeekOffset   SeekTo = "offset"   // exactly Offset rows in (OFFSET: slow far in)
)

// Seek says where a page starts.
type Seek struct {
	To       SeekTo  `json:"to"`
	Cursor   *Cursor `json:"cursor"`
	Fraction float64 `json:"fraction"`
	Offset   int64   `json:"offset"`
}

// Cursor marks a row of a page so the next page can continue from it:
// Values are the row's values of the page's order columns (the sort, then
// the key); Position is the row's index in the whole ordered result,
// exact when Exact. A cursor is only valid with the filter and sort of the
// page it came from.
type Cursor struct {
	Values   []*string `json:"values"`
	Position int64     `json:"position"`
	Exact    bool      `json:"exact"`
}

// PageRequest asks for a page of a relation's rows.
type PageRequest struct {
	Filter Filter    `json:"filter"`
	Sort   []SortKey `json:"sort"`
	Seek   Seek      `json:"seek"`
	// Limit is the number of rows; 0 means DefaultPageRows.
	Limit int `json:"limit"`
	// Total is the row count the caller knows (an exact count, or 0 to
	// use the planner's estimate): positions of pages read from the end
	// are counted back from it. TotalExact says it is exact.
	Total      int64 `json:"total"`
	TotalExact bool  `json:"totalExact"`
	// Estimate asks for the planner's estimate of the filtered rows
	// (Page.Estimate); it rides in the same round trip.
	Estimate bool `json:"estimate"`
	// MaxCellBytes caps each cell's text; 0 means DefaultMaxCellBytes, a
	// negative value no cap.
	MaxCellBytes int `json:"maxCellBytes"`
}

// Page is a run of consecutive rows of a relation in a stable order.
type Page struct {
	// Rows hold one cell per Relation column, in text format (what psql
	// shows), nil for NULL.
	Rows [][]*string `json:"rows"`
	// Truncated lists cells cut to MaxCellBytes; fetch the whole value
	// with Cell before editing one.
	Truncated []Truncation `json:"truncated"`
	// Position is the index of Rows[0] in the whole ordered result: exact
	// when Exact, an estimate otherwise (pages reached by fraction, or
	// counted from the end of an estimated total).
	Position int64 `json:"position"`
	Exact    bool  `json:"exact"`
	// AtStart and AtEnd report that the page holds the first (last) row.
	AtStart bool `json:"atStart"`
	AtEnd   bool `json:"atEnd"`
	// First and Last continue the scroll: Seek{To: before, Cursor: First}
	// and Seek{To: after, Cursor: Last}. Nil for an empty page.
	First *Cursor `json:"first"`
	Last  *Cursor `json:"last"`
	// Estimate is the planner's estimate of the rows matching the filter,
	// -1 unless asked for.
	Estimate int64 `json:"estimate"`
	// ElapsedMs is how long the page took, server round trips included.
	ElapsedMs float64 `json:"elapsedMs"`
}

// Truncation marks a cell whose text was cut.
type Truncation struct {
	Row   int `json:"row"`
	Col   int `json:"col"`
	Bytes int `json:"bytes"` // the full length in bytes
}

// pager holds one page request while it runs.
type pager struct {
	r       *Relation
	req     PageRequest
	order   []orderCol
	hidden  []orderCol // system columns of the order, selected after the relation's columns
	limit   int
	where   whereResult
	pg      *pgconn.PgConn
	est     int64
	started time.Time
}

// Page reads a page of rows. The filter's values are checked first (one
// round trip, only when there are any); a bad value fails with a Validation
// error naming it (e.g. "filter.conditions.0.values.0") and nothing else
// runs. The page itself is one read-only transaction in one round trip
// (plus one more when a page crosses from non-NULL to NULL values of a
// nullable leading sort column, and up to two to find where a fraction
// lies).
//
// Pages after or before a cursor use keyset conditions on the order
// columns, so every page costs the same wherever it is; the last page is
// read backwards. Relations without a key or row address (views and
// foreign tables without a key) use OFFSET.
func (r *Relation) Page(ctx context.Context, c Conn, req PageRequest) (Page, error) {
	p := &pager{r: r, req: req, pg: c.PgConn(), est: -1, started: time.Now()}
	if err := p.prepare(ctx); err != nil {
		return Page{}, err
	}
	page, err := p.run(ctx)
	if err != nil {
		return Page{}, rawFilterError(err)
	}
	page.Estimate = p.est
	if !req.Estimate {
		page.Estimate = -1
	}
	truncate(&page, req.MaxCellBytes)
	page.ElapsedMs = float64(time.Since(p.started).Microseconds()) / 1000
	return page, nil
}

func (p *pager) prepare(ctx context.Context) error {
	var errs []apperr.FieldError
	p.order, errs = p.r.orderFor(p.req.Sort)
	for _, o := range p.order {
		if o.index < 0 {
			p.hidden = append(p.hidden, o)
		}
	}
	p.limit = p.req.Limit
	if p.limit <= 0 {
		p.limit = DefaultPageRows
	}
	p.limit = min(p.limit, MaxPageRows)
	p.where = p.r.where(p.req.Filter, &stmt{})
	errs = append(errs, p.where.errs...)
	switch p.req.Seek.To {
	case "", SeekFirst, SeekLast:
	case SeekAfter, SeekBefore:
		if p.req.Seek.Cursor == nil {
			errs = append(errs, apperr.FieldError{Field: "seek.cursor", Message: "a cursor is required"})
		} else if !p.r.offsetPaging && len(p.req.Seek.Cursor.Values) != len(p.order) {
			errs = append(errs, apperr.FieldError{Field: "seek.cursor", Message: "the cursor belongs to another sort; start from the first page"})
		}
	case SeekFraction:
		if f := p.req.Seek.Fraction; math.IsNaN(f) || f < 0 || f > 1 {
			errs = append(errs, apperr.FieldError{Field: "seek.fraction", Message: "the fraction must be between 0 and 1"})
		}
	case SeekOffset:
		if p.req.Seek.Offset < 0 {
			errs = append(errs, apperr.FieldError{Field: "seek.offset", Message: "the offset must not be negative"})
		}
	default:
		errs = append(errs, apperr.FieldError{Field: "seek.to", Message: fmt.Sprintf("unknown seek %q", p.req.Seek.To)})
	}
	if len(errs) > 0 {
		return apperr.ValidationError(errs...)
	}
	return probeValues(ctx, p.pg, p.where.probes)
}

// selectStmt starts SELECT <columns> FROM <relation> [WHERE <filter> [AND
// <extra>]]; extra (may be nil) writes further conditions.
func (p *pager) selectStmt(extra func(s *stmt)) *stmt {
	s := &stmt{}
	s.w("SELECT ")
	for i, c := range p.r.Columns {
		if i > 0 {
			s.w(", ")
		}
		s.w(ident.Quote(c.Name))
	}
	for i, h := range p.hidden {
		if i > 0 || len(p.r.Columns) > 0 {
			s.w(", ")
		}
		s.w(h.expr)
	}
	s.w(" FROM ", p.r.Qualified())
	p.writeWhere(s, extra)
	return s
}

// writeWhere writes the filter and extra as one WHERE clause.
func (p *pager) writeWhere(s *stmt, extra func(s *stmt)) {
	filtered := hasFilter(p.req.Filter)
	if !filtered && extra == nil {
		return
	}
	s.w(" WHERE ")
	if filtered {
		p.r.where(p.req.Filter, s)
		if extra != nil {
			s.w(" AND ")
		}
	}
	if extra != nil {
		extra(s)
	}
}

func (p *pager) run(ctx context.Context) (Page, error) {
	seek := p.req.Seek
	if p.r.offsetPaging {
		return p.runOffset(ctx)
	}
	switch seek.To {
	case "", SeekFirst:
		rows, err := p.scan(ctx, p.order, nil, true)
		if err != nil {
			return Page{}, err
		}
		return p.page(rows, 0, true, true, len(rows) < p.limit), nil
	case SeekLast:
		rows, err := p.scan(ctx, reverse(p.order), nil, true)
		if err != nil {
			return Page{}, err
		}
		reverseRows(rows)
		total, exact := p.total()
		pos := max(total-int64(len(rows)), 0)
		atStart := len(rows) < p.limit
		if atStart {
			pos, exact = 0, true
		}
		return p.page(rows, pos, exact, atStart, true), nil
	case SeekAfter:
		cur := seek.Cursor
		rows, err := p.scan(ctx, p.order, cur.Values, p.req.Estimate)
		if err != nil {
			return Page{}, err
		}
		return p.page(rows, cur.Position+1, cur.Exact, false, len(rows) < p.limit), nil
	case SeekBefore:
		cur := seek.Cursor
		rows, err := p.scan(ctx, reverse(p.order), cur.Values, p.req.Estimate)
		if err != nil {
			return Page{}, err
		}
		reverseRows(rows)
		pos, exact := max(cur.Position-int64(len(rows)), 0), cur.Exact
		atStart := len(rows) < p.limit
		if atStart { // reached the first row: positions are exact from here
			pos, exact = 0, true
		}
		return p.page(rows, pos, exact, atStart, false), nil
	case SeekFraction:
		return p.runFraction(ctx)
	case SeekOffset:
		return p.runOffset(ctx)
	}
	return Page{}, fmt.Errorf("tabledata: unknown seek %q", seek.To)
}

// scan reads up to limit rows after vals (from the start when vals is
// nil) in the order cols. A nullable leading column is read in two blocks —
// its non-NULL values and its NULLs, in the order's sequence — so that the
// condition on the leading column stays one an index can serve.
func (p *pager) scan(ctx context.Context, cols []orderCol, vals []*string, estimate bool) ([][]*string, error) {
	lead := cols[0]
	if vals == nil || lead.notNull {
		var extra func(*stmt)
		if vals != nil {
			extra = func(s *stmt) { after(s, cols, vals) }
		}
		return p.query(ctx, cols, extra, p.limit, estimate)
	}
	nullsFirst := lead.desc
	type block struct {
		extra func(*stmt)
	}
	var blocks []block
	if vals[0] == nil {
		if len(cols) > 1 {
			blocks = append(blocks, block{func(s *stmt) { s.w(lead.expr, " IS NULL AND "); after(s, cols[1:], vals[1:]) }})
		}
		if nullsFirst {
			blocks = append(blocks, block{func(s *stmt) { s.w(lead.expr, " IS NOT NULL") }})
		}
	} else {
		blocks = append(blocks, block{func(s *stmt) { afterLeadingValue(s, cols, vals) }})
		if !nullsFirst {
			blocks = append(blocks, block{func(s *stmt) { s.w(lead.expr, " IS NULL") }})
		}
	}
	var out [][]*string
	for i, b := range blocks {
		rows, err := p.query(ctx, cols, b.extra, p.limit-len(out), estimate && i == 0)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if len(out) >= p.limit {
			break
		}
	}
	return out, nil
}

// query runs one SELECT (with the estimate when asked) in a read-only
// transaction.
func (p *pager) query(ctx context.Context, cols []orderCol, extra func(*stmt), limit int, estimate bool) ([][]*string, error) {
	s := p.selectStmt(extra)
	writeOrderBy(s, cols)
	s.w(" LIMIT " + strconv.Itoa(limit))
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

// explain is EXPLAIN of the filtered relation: the planner's row estimate.
func (p *pager) explain() *stmt {
	s := &stmt{}
	s.w("EXPLAIN (FORMAT JSON) SELECT 1 FROM ", p.r.Qualified())
	p.writeWhere(s, nil)
	return s
}

func planRows(rows [][]*string) int64 {
	if len(rows) == 0 || rows[0][0] == nil {
		return -1
	}
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(*rows[0][0]), &plan); err != nil || len(plan) == 0 {
		return -1
	}
	return int64(plan[0].Plan.Rows)
}

// total is the row count positions from the end are counted back from.
func (p *pager) total() (int64, bool) {
	if p.req.Total > 0 {
		return p.req.Total, p.req.TotalExact
	}
	return max(p.est, 0), false
}

// page assembles rows (relation columns then hidden order columns) into a
// Page starting at pos.
func (p *pager) page(rows [][]*string, pos int64, exact, atStart, atEnd bool) Page {
	n := len(p.r.Columns)
	out := Page{Rows: make([][]*string, len(rows)), Truncated: []Truncation{}, Position: pos, Exact: exact, AtStart: atStart, AtEnd: atEnd}
	for i, row := range rows {
		out.Rows[i] = row[:n:n]
	}
	if len(rows) > 0 {
		out.First = p.cursor(rows[0], pos, exact)
		out.Last = p.cursor(rows[len(rows)-1], pos+int64(len(rows))-1, exact)
	}
	return out
}

func (p *pager) cursor(row []*string, pos int64, exact bool) *Cursor {
	c := &Cursor{Position: pos, Exact: exact, Values: make([]*string, 0, len(p.order))}
	if p.r.offsetPaging {
		c.Values = []*string{}
		return c
	}
	h := len(p.r.Columns)
	for _, o := range p.order {
		if o.index >= 0 {
			c.Values = append(c.Values, row[o.index])
		} else {
			c.Values = append(c.Values, row[h])
			h++
		}
	}
	return c
}

func reverseRows(rows [][]*string) {
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
}

// truncate cuts long cells at a UTF-8 boundary.
func truncate(p *Page, maxBytes int) {
	if maxBytes == 0 {
		maxBytes = DefaultMaxCellBytes
	}
	if maxBytes < 0 {
		return
	}
	for i, row := range p.Rows {
		for j, v := range row {
			if v == nil || len(*v) <= maxBytes {
				continue
			}
			cut := (*v)[:maxBytes]
			for len(cut) > 0 && !utf8.ValidString(cut[max(0, len(cut)-utf8.UTFMax):]) {
				cut = cut[:len(cut)-1]
			}
			p.Truncated = append(p.Truncated, Truncation{Row: i, Col: j, Bytes: len(*v)})
			row[j] = &cut
		}
	}
}
