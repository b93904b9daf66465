package resultset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
	"unicode/utf8"
)

// ViewSpec sorts and filters a finished Set without running its query
// again. The zero value shows every row in the order the server sent them.
type ViewSpec struct {
	// Sort lists the sort columns, most significant first.
	Sort []SortKey `json:"sort"`
	// Quick keeps the rows with a cell containing this text, ignoring case
	// ("" keeps all). Cells are matched on the text the grid shows; NULL
	// matches nothing.
	Quick string `json:"quick"`
	// Filters keep the rows that pass every one.
	Filters []ColumnFilter `json:"filters"`
	// Columns lists the columns exports write, in their order (hidden and
	// reordered columns in the grid); nil writes all in result order. Pages
	// always carry every column.
	Columns []int `json:"columns"`
}

// SortKey sorts by one column. Values compare by type: numbers by value,
// dates and times chronologically (ISO DateStyle), booleans false first,
// intervals by length, text case-insensitively; NULLs come last in either
// direction. Rows that compare equal keep their order.
type SortKey struct {
	Column int  `json:"column"`
	Desc   bool `json:"desc"`
}

// FilterOp is how a ColumnFilter compares.
type FilterOp string

// The filter operations. Contains and NotContains match text ignoring case;
// Equals and NotEquals compare by type (1.0 equals 1; text exactly); Less …
// GreaterOrEqual order by type as SortKey does; IsNull and NotNull ignore
// the value. A NULL cell passes only IsNull.
const (
	Contains       FilterOp = "contains"
	NotContains    FilterOp = "notContains"
	Equals         FilterOp = "equals"
	NotEquals      FilterOp = "notEquals"
	Less           FilterOp = "lt"
	LessOrEqual    FilterOp = "le"
	Greater        FilterOp = "gt"
	GreaterOrEqual FilterOp = "ge"
	IsNull         FilterOp = "isNull"
	NotNull        FilterOp = "notNull"
)

// ColumnFilter keeps the rows whose cell in Column passes Op against Value.
type ColumnFilter struct {
	Column int      `json:"column"`
	Op     FilterOp `json:"op"`
	Value  string   `json:"value"`
}

// ViewInfo describes the view a Set shows.
type ViewInfo struct {
	// Rows is how many rows the view shows; Total how many the set holds.
	Rows  int64 `json:"rows"`
	Total int64 `json:"total"`
	// Spec is the view in force (the zero ViewSpec after ClearView).
	Spec ViewSpec `json:"spec"`
	// BuildMs is how long building the view took.
	BuildMs float64 `json:"buildMs"`
}

// ErrRunning is returned by SetView while rows are still arriving.
var ErrRunning = errors.New("resultset: the query is still running")

// order is a built ViewSpec: the row numbers it shows, in order (nil: all
// rows in order) and the columns exports write.
type order struct {
	spec    ViewSpec
	rows    []int32
	columns []int
}

// SetView sorts and filters the set as spec says; pages, Value and the
// exports then follow the view (Page row numbers are positions in the
// view; Page.RowNumbers gives the rows' numbers in the set). It needs a
// finished set (ErrRunning otherwise) of at most 2^31-1 rows. The view
// is built without blocking readers; a later SetView or ClearView wins
// over one still being built, which then returns ctx's error or
// context.Canceled.
func (s *Set) SetView(ctx context.Context, spec ViewSpec) (ViewInfo, error) {
	start := time.Now()
	if !s.IsDone() {
		return ViewInfo{}, ErrRunning
	}
	total := s.Len()
	if total > math.MaxInt32 {
		return ViewInfo{}, fmt.Errorf("resultset: %d rows are too many to sort or filter", total)
	}
	if err := s.validateSpec(spec); err != nil {
		return ViewInfo{}, err
	}
	ctx, ticket := s.startBuild(ctx)
	defer ticket.cancel()
	v, err := s.buildView(ctx, spec, total)
	if err != nil {
		return ViewInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ViewInfo{}, ErrClosed
	}
	if s.builds != ticket.n {
		return ViewInfo{}, context.Canceled // a newer view replaced this one
	}
	s.order = v
	return ViewInfo{Rows: v.len(total), Total: total, Spec: spec, BuildMs: float64(time.Since(start).Microseconds()) / 1000}, nil
}

// ClearView shows every row again in the server's order, and all columns
// in exports.
func (s *Set) ClearView() ViewInfo {
	_, ticket := s.startBuild(context.Background())
	ticket.cancel()
	s.mu.Lock()
	s.order = nil
	rows := s.rows
	s.mu.Unlock()
	return ViewInfo{Rows: rows, Total: rows, Spec: ViewSpec{}}
}

// View returns the view in force.
func (s *Set) View() ViewInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.order == nil {
		return ViewInfo{Rows: s.rows, Total: s.rows}
	}
	return ViewInfo{Rows: s.order.len(s.rows), Total: s.rows, Spec: s.order.spec}
}

type buildTicket struct {
	n      uint64
	cancel context.CancelFunc
}

// startBuild cancels the view being built, if any, and numbers this one.
func (s *Set) startBuild(ctx context.Context) (context.Context, buildTicket) {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancelBuild != nil {
		s.cancelBuild()
	}
	s.builds++
	s.cancelBuild = cancel
	return ctx, buildTicket{n: s.builds, cancel: cancel}
}

func (v *order) len(total int64) int64 {
	if v == nil || v.rows == nil {
		return total
	}
	return int64(len(v.rows))
}

func (s *Set) validateSpec(spec ViewSpec) error {
	n := len(s.columns)
	for _, k := range spec.Sort {
		if k.Column < 0 || k.Column >= n {
			return fmt.Errorf("resultset: no column %d to sort by", k.Column)
		}
	}
	for _, f := range spec.Filters {
		if f.Column < 0 || f.Column >= n {
			return fmt.Errorf("resultset: no column %d to filter", f.Column)
		}
		switch f.Op {
		case Contains, NotContains, Equals, NotEquals, Less, LessOrEqual, Greater, GreaterOrEqual, IsNull, NotNull:
		default:
			return fmt.Errorf("resultset: unknown filter %q", f.Op)
		}
	}
	for _, c := range spec.Columns {
		if c < 0 || c >= n {
			return fmt.Errorf("resultset: no column %d to export", c)
		}
	}
	return nil
}

// buildView filters and sorts. An ASCII quick filter searches the stored
// bytes first (see quick.go); then one pass over the rows left, split
// among GOMAXPROCS goroutines, applies the column filters (and a quick
// filter with other text) and collects the sort values of the rows kept.
func (s *Set) buildView(ctx context.Context, spec ViewSpec, total int64) (*order, error) {
	v := &order{spec: spec, columns: spec.Columns}
	quick := newMatcher(spec.Quick)
	filters := make([]filter, len(spec.Filters))
	for i, f := range spec.Filters {
		filters[i] = newFilter(f, s.columns[f.Column].TypeOID)
	}
	if quick == nil && len(filters) == 0 && len(spec.Sort) == 0 {
		return v, nil // every row, server order: rows stays nil
	}
	var from *order // the rows the pass reads: all (nil) or those the quick filter kept
	n := total
	if quick != nil && quick.ascii {
		rows, err := s.quickRows(ctx, quick, total)
		if err != nil {
			return nil, err
		}
		if len(filters) == 0 && len(spec.Sort) == 0 {
			v.rows = rows
			return v, nil
		}
		from, n, quick = &order{rows: rows}, int64(len(rows)), nil
	}
	sizes, err := s.valueSizes(min(total, 1024))
	if err != nil {
		return nil, err
	}
	var parts []part
	for direct := true; ; direct = false {
		parts = make([]part, workers(int(n/4096)))
		for i := range parts {
			parts[i] = s.newPart(spec.Sort, int(n/int64(len(parts)))+1, sizes, direct)
		}
		err = s.scanParts(ctx, from, n, len(parts), s.needed(spec, quick != nil), func(pi int, row int64, vals [][]byte) error {
			for i := range filters {
				if !filters[i].pass(vals[filters[i].col]) {
					return nil
				}
			}
			if quick != nil && !quick.row(vals) {
				return nil
			}
			return parts[pi].add(int32(row), vals, spec.Sort)
		})
		if !errors.Is(err, errAsText) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if len(spec.Sort) == 0 {
		v.rows = joinRows(parts)
		return v, nil
	}
	if v.rows, err = sortRows(ctx, parts, spec.Sort); err != nil {
		return nil, err
	}
	return v, nil
}

// scanParts is scanShownCols over positions [0, n) of o (nil: rows [0, n)),
// split into parts consecutive ranges read concurrently: fn gets the part
// and the row's number and values. Within a part rows come in order. The
// first error stops every part.
func (s *Set) scanParts(ctx context.Context, o *order, n int64, parts int, need []bool, fn func(part int, row int64, vals [][]byte) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			from, to := n*int64(p)/int64(parts), n*int64(p+1)/int64(parts)
			errs[p] = s.scanShownCols(o, from, to, ctx.Err, nil, need, func(pos int64, vals [][]byte) error {
				if o != nil {
					pos = int64(o.rows[pos])
				}
				return fn(p, pos, vals)
			})
			if errs[p] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	var first error // a part's own error rather than the cancel it caused in the others
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	return first
}

// matcher finds text in cells ignoring case.
type matcher struct {
	needle []byte // lower-cased
	ascii  bool
	// anchor is the needle byte cells are scanned for (IndexByte, in both
	// cases for a letter).
	anchor int
	cases  [2]byte
	// sparse is set when the anchor is rare in the data (see tune).
	sparse bool
}

func newMatcher(text string) *matcher {
	if text == "" {
		return nil
	}
	m := &matcher{needle: bytes.ToLower([]byte(text)), ascii: true}
	for _, c := range m.needle {
		if c >= utf8.RuneSelf {
			m.ascii = false
		}
	}
	m.setAnchor(0)
	return m
}

func (m *matcher) setAnchor(i int) {
	m.anchor = i
	m.cases = [2]byte{m.needle[i], bytes.ToUpper(m.needle[i : i+1])[0]}
}

// row reports whether a cell of the row contains the text.
func (m *matcher) row(vals [][]byte) bool {
	for _, v := range vals {
		if v != nil && m.cell(v) {
			return true
		}
	}
	return false
}

// cell reports whether v contains the text, ignoring case.
func (m *matcher) cell(v []byte) bool {
	if !m.ascii {
		return bytes.Contains(bytes.ToLower(v), m.needle)
	}
	n := len(m.needle)
	if len(v) < n {
		return false
	}
	// Position p of hay is the anchor of a match starting at v[p]. The next
	// occurrence of each case is remembered (-1: none left), so a cell is
	// scanned about once per case however many candidates fail.
	hay := v[m.anchor : len(v)-n+m.anchor+1]
	lo, up := m.cases[0], m.cases[1]
	nextLo, nextUp := -2, -2 // -2: not looked for yet
	if up == lo {
		nextUp = -1
	}
	for off := 0; off < len(hay); {
		nextLo, nextUp = nextByte(hay, nextLo, off, lo), nextByte(hay, nextUp, off, up)
		p := nextLo
		if p < 0 || nextUp >= 0 && nextUp < p {
			p = nextUp
		}
		if p < 0 {
			return false
		}
		if equalFoldASCII(v[p:p+n], m.needle) {
			return true
		}
		off = p + 1
	}
	return false
}

// equalFoldASCII compares a with the lower-case ASCII b, ignoring a's case.
func equalFoldASCII(a, b []byte) bool {
	for i := range b {
		if foldTable[a[i]] != b[i] {
			return false
		}
	}
	return true
}

// filter is a ColumnFilter ready to run.
type filter struct {
	col  int
	op   FilterOp
	text *matcher
	kind keyKind
	key  scalar // the value, parsed as the column's type
}

func newFilter(f ColumnFilter, oid uint32) filter {
	flt := filter{col: f.Column, op: f.Op, kind: kindOf(oid)}
	switch f.Op {
	case Contains, NotContains:
		flt.text = newMatcher(f.Value)
	case IsNull, NotNull:
	default:
		flt.key = parseScalar(flt.kind, []byte(f.Value))
	}
	return flt
}

// pass reports whether cell v (nil = NULL) passes the filter.
func (f *filter) pass(v []byte) bool {
	switch f.op {
	case IsNull:
		return v == nil
	case NotNull:
		return v != nil
	}
	if v == nil {
		return false
	}
	switch f.op {
	case Contains:
		return f.text == nil || f.text.cell(v)
	case NotContains:
		return f.text != nil && !f.text.cell(v)
	}
	cell := parseScalar(f.kind, v)
	if f.op == Equals || f.op == NotEquals {
		eq := false
		if f.kind == keyText || !cell.ok || !f.key.ok {
			eq = bytes.Equal(v, f.key.text)
		} else {
			eq = compareScalar(cell, f.key) == 0
		}
		return eq == (f.op == Equals)
	}
	r := compareScalar(cell, f.key)
	switch f.op {
	case Less:
		return r < 0
	case LessOrEqual:
		return r <= 0
	case Greater:
		return r > 0
	case GreaterOrEqual:
		return r >= 0
	}
	return false
}

// scalar is one value parsed for comparing (see column for the rules).
type scalar struct {
	kind keyKind
	ok   bool // parsed as its kind; false compares as text
	f    float64
	i    int64
	text []byte
}

func parseScalar(k keyKind, v []byte) scalar {
	s := scalar{kind: k, text: v, ok: true}
	switch k {
	case keyInt:
		s.i, s.ok = parseInt(v)
	case keyFloat, keyNumeric:
		s.f, s.ok = parseNumber(v, k == keyNumeric)
	case keyBool:
		switch string(bytes.ToLower(v)) {
		case "t", "true", "yes", "on", "1":
			s.f = 1
		case "f", "false", "no", "off", "0":
		default:
			s.ok = false
		}
	case keyTime:
		s.f, s.ok = parseTime(v)
	case keyInterval:
		s.f, s.ok = parseInterval(v)
	}
	return s
}

func compareScalar(a, b scalar) int {
	if a.kind == keyText || !a.ok || !b.ok {
		return compareText(a.text, b.text)
	}
	switch a.kind {
	case keyInt:
		return cmpOrdered(a.i, b.i)
	case keyNumeric:
		if r := compareFloat(a.f, b.f); r != 0 {
			return r
		}
		return compareDecimal(a.text, b.text)
	}
	return compareFloat(a.f, b.f)
}

// shown returns the order in force and the number of rows it shows.
func (s *Set) shown() (*order, int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, 0, ErrClosed
	}
	if s.order == nil || s.order.rows == nil {
		return s.order, s.rows, nil
	}
	return s.order, int64(len(s.order.rows)), nil
}

// scanShown is scan over positions [from, to) of the view in force: fn
// gets the position and the row's values. rowNumbers, when not nil,
// receives each row's number in the set.
func (s *Set) scanShown(o *order, from, to int64, check func() error, rowNumbers *[]int64, fn func(pos int64, vals [][]byte) error) error {
	return s.scanShownCols(o, from, to, check, rowNumbers, nil, fn)
}

// scanShownCols is scanShown decoding only the columns need marks (nil:
// all); the others are passed as nil.
func (s *Set) scanShownCols(o *order, from, to int64, check func() error, rowNumbers *[]int64, need []bool, fn func(pos int64, vals [][]byte) error) error {
	if o == nil || o.rows == nil {
		return s.scanCols(from, to, check, need, func(row int64, vals [][]byte) error {
			if rowNumbers != nil {
				*rowNumbers = append(*rowNumbers, row)
			}
			return fn(row, vals)
		})
	}
	to = min(to, int64(len(o.rows)))
	if from >= to {
		return nil
	}
	vs, _, err := s.snapshot(0, math.MaxInt64)
	if err != nil {
		return err
	}
	r := rowReader{need: need}
	ncols := len(s.columns)
	cur, next := -1, int64(-1) // the loaded chunk, and the row r.next decodes
	var loadedTo int64         // rows of the loaded slice end here
	for pos := from; pos < to; pos++ {
		if check != nil && pos%256 == 0 {
			if err := check(); err != nil {
				return err
			}
		}
		row := int64(o.rows[pos])
		if cur < 0 || row != next || row >= loadedTo {
			ci, _ := slices.BinarySearchFunc(vs, row, func(v view, row int64) int {
				switch {
				case v.first+int64(v.rows) <= row:
					return -1
				case v.first > row:
					return 1
				}
				return 0
			})
			if ci >= len(vs) {
				return fmt.Errorf("resultset: row %d is gone", row)
			}
			v := vs[ci]
			lo := int(row - v.first)
			hi := min(lo+64, v.rows)
			if v.data != nil {
				hi = v.rows // in memory: reading on is free
			}
			if err := r.load(v, lo, hi, ncols); err != nil {
				return err
			}
			cur, loadedTo = ci, v.first+int64(hi)
		}
		if err := r.next(); err != nil {
			return err
		}
		next = row + 1
		if rowNumbers != nil {
			*rowNumbers = append(*rowNumbers, row)
		}
		if err := fn(pos, r.vals); err != nil {
			return err
		}
	}
	return nil
}

// exportView returns the order in force and the columns exports write.
func (s *Set) exportView() (*order, []Column) {
	s.mu.RLock()
	o := s.order
	s.mu.RUnlock()
	if o == nil || o.columns == nil {
		return o, s.columns
	}
	cols := make([]Column, len(o.columns))
	for i, c := range o.columns {
		cols[i] = s.columns[c]
	}
	return o, cols
}

// projection returns a function that picks the exported columns of a row.
func (o *order) projection() func([][]byte) [][]byte {
	if o == nil || o.columns == nil {
		return func(vals [][]byte) [][]byte { return vals }
	}
	out := make([][]byte, len(o.columns))
	return func(vals [][]byte) [][]byte {
		for i, c := range o.columns {
			out[i] = vals[c]
		}
		return out
	}
}

// needed returns the columns the pass of buildView reads: those of the
// filters and sort keys, or nil (all) for a quick filter on every cell.
func (s *Set) needed(spec ViewSpec, quick bool) []bool {
	if quick {
		return nil
	}
	need := make([]bool, len(s.columns))
	for _, f := range spec.Filters {
		need[f.Column] = true
	}
	for _, k := range spec.Sort {
		need[k.Column] = true
	}
	return need
}

// nextByte is the index of the first c in hay at or after off, given next,
// the index found by an earlier search (-1: there is none; below off: look
// again).
func nextByte(hay []byte, next, off int, c byte) int {
	if next == -1 || next >= off {
		return next
	}
	if j := bytes.IndexByte(hay[off:], c); j >= 0 {
		return off + j
	}
	return -1
}
