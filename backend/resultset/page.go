package resultset

import (
	"fmt"
	"unicode/utf8"
)

// DefaultMaxCellBytes is the cell cap of a Page when PageOptions.MaxCellBytes is 0.
const DefaultMaxCellBytes = 16 << 10

// pageBlockSize is the size of the blocks holding a page's text.
const pageBlockSize = 64 << 10

// PageOptions tunes PageWith. The zero value is what Page uses.
type PageOptions struct {
	// MaxCellBytes caps the text of a cell: a longer value is cut at a UTF-8
	// boundary at most this many bytes in and listed in Page.Truncated. 0
	// means DefaultMaxCellBytes; a negative value means no cap.
	MaxCellBytes int
	// FirstColumn and Columns choose a window of columns: each row of the
	// page holds the cells of columns FirstColumn … FirstColumn+Columns-1
	// only (fewer at the last column). Columns 0 means every column from
	// FirstColumn on. A grid showing a few of 1,600 columns asks for those.
	FirstColumn int
	Columns     int
}

// Page is a window of rows decoded for display.
type Page struct {
	// Offset is the number of the first row of Rows.
	Offset int64 `json:"offset"`
	// FirstColumn is the column of each row's first cell (see
	// PageOptions.FirstColumn; 0 for whole rows).
	FirstColumn int `json:"firstColumn,omitempty"`
	// Rows holds one slice per row with one cell per column: the value in
	// PostgreSQL text format (what psql shows), or nil for SQL NULL, so it
	// encodes to JSON as a string or null.
	Rows [][]*string `json:"rows"`
	// Truncated lists the cells cut to PageOptions.MaxCellBytes.
	Truncated []Truncation `json:"truncated,omitempty"`
	// Total is the number of rows in the set when the page was read.
	Total int64 `json:"total"`
	// Done reports whether the set was complete when the page was read:
	// then Total is final.
	Done bool `json:"done"`
	// RowNumbers are the numbers in the set of the page's rows while a view
	// (SetView) is in force; Offset and Total then count the view's rows.
	RowNumbers []int64 `json:"rowNumbers,omitempty"`
}

// Truncation marks a cell of a Page whose text was cut.
type Truncation struct {
	// Row is the row's index in Page.Rows; Col the column's index in the
	// result (not in the page's window of columns).
	Row int `json:"row"`
	Col int `json:"col"`
	// Bytes is the full length of the value in bytes.
	Bytes int `json:"bytes"`
}

// Page returns up to limit rows from offset, cells capped at
// DefaultMaxCellBytes. See PageWith.
func (s *Set) Page(offset, limit int64) (Page, error) {
	return s.PageWith(offset, limit, PageOptions{})
}

// PageWith returns up to limit rows starting at row offset (0-based). An
// offset at or past the end gives an empty page (a running query may not
// have produced the rows yet); a negative offset or limit is an error.
// Rows are decoded only for the page; the store is not locked while it is
// decoded, so the writer keeps appending.
func (s *Set) PageWith(offset, limit int64, opts PageOptions) (Page, error) {
	if offset < 0 || limit < 0 {
		return Page{}, fmt.Errorf("resultset: invalid page offset %d limit %d", offset, limit)
	}
	maxCell := opts.MaxCellBytes
	if maxCell == 0 {
		maxCell = DefaultMaxCellBytes
	}
	first, last := opts.FirstColumn, len(s.columns)
	if opts.Columns > 0 {
		last = min(last, first+opts.Columns)
	}
	if first < 0 || opts.Columns < 0 || first > len(s.columns) {
		return Page{}, fmt.Errorf("resultset: invalid page columns %d+%d of %d", opts.FirstColumn, opts.Columns, len(s.columns))
	}
	ncols := last - first
	done := s.IsDone() // before reading the rows: Done then implies Total is final
	o, total, err := s.shown()
	if err != nil {
		return Page{}, err
	}
	p := Page{Offset: offset, FirstColumn: first, Rows: [][]*string{}, Total: total, Done: done}
	var numbers *[]int64
	if o != nil && o.rows != nil {
		p.RowNumbers = []int64{}
		numbers = &p.RowNumbers
	}
	end := min(offset+limit, total)
	if offset >= end {
		return p, nil
	}
	// The page's text is packed into blocks of about 64 KiB, each converted
	// to one string that the cells slice: a few allocations per page.
	ncells := (end - offset) * int64(ncols)
	strs := make([]string, ncells)
	cells := make([]*string, ncells)
	var block []byte
	type span struct{ cell, start, end int }
	var pending []span // cells whose text is in block
	flush := func() {
		all := string(block)
		for _, sp := range pending {
			strs[sp.cell] = all[sp.start:sp.end]
			cells[sp.cell] = &strs[sp.cell]
		}
		pending, block = pending[:0], block[:0]
	}
	cell := 0
	err = s.scanShown(o, offset, end, nil, numbers, func(row int64, vals [][]byte) error {
		for k, v := range vals[first:last] {
			if v != nil {
				col := first + k
				if maxCell > 0 && len(v) > maxCell {
					p.Truncated = append(p.Truncated, Truncation{Row: int(row - offset), Col: col, Bytes: len(v)})
					v = cutUTF8(v, maxCell)
				}
				if len(block)+len(v) > cap(block) {
					flush()
					if cap(block) < len(v) {
						block = make([]byte, 0, max(len(v), pageBlockSize))
					}
				}
				pending = append(pending, span{cell, len(block), len(block) + len(v)})
				block = append(block, v...)
			}
			cell++
		}
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	flush()
	p.Rows = make([][]*string, end-offset)
	for i := range p.Rows {
		p.Rows[i] = cells[i*ncols : (i+1)*ncols : (i+1)*ncols]
	}
	return p, nil
}

// Value returns the whole value of one cell (nil for SQL NULL), e.g. to show
// a cell that a Page truncated. With a view in force, row is a position in
// the view, as in Page.
func (s *Set) Value(row int64, col int) (*string, error) {
	if col < 0 || col >= len(s.columns) || row < 0 {
		return nil, fmt.Errorf("resultset: no cell at row %d column %d", row, col)
	}
	o, _, err := s.shown()
	if err != nil {
		return nil, err
	}
	var out *string
	found := false
	err = s.scanShown(o, row, row+1, nil, nil, func(_ int64, vals [][]byte) error {
		found = true
		if vals[col] != nil {
			v := string(vals[col])
			out = &v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("resultset: no cell at row %d column %d", row, col)
	}
	return out, nil
}

// cutUTF8 returns the longest prefix of v of at most n bytes that does not
// split a UTF-8 sequence.
func cutUTF8(v []byte, n int) []byte {
	v = v[:n]
	for i := len(v) - 1; i >= 0 && i >= len(v)-utf8.UTFMax; i-- {
		if utf8.RuneStart(v[i]) {
			if !utf8.FullRune(v[i:]) {
				return v[:i]
			}
			break
		}
	}
	return v
}
