package resultset_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/resultset"
)

// TestPageColumnWindow reads a window of the columns of a wide result, as
// the grid does for the columns on screen.
func TestPageColumnWindow(t *testing.T) {
	names := make([]string, 1600)
	for c := range names {
		names[c] = fmt.Sprintf("c%d", c)
	}
	set := resultset.New(textCols(names...), resultset.Options{})
	defer set.Close()
	for r := 0; r < 30; r++ {
		row := make([][]byte, len(names))
		for c := range row {
			switch {
			case c == 801 && r == 2:
				row[c] = nil
			case c == 802 && r == 3:
				row[c] = []byte(strings.Repeat("x", 40))
			default:
				row[c] = fmt.Appendf(nil, "%d:%d", r, c)
			}
		}
		if err := set.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	set.Done(nil)

	p, err := set.PageWith(1, 5, resultset.PageOptions{FirstColumn: 800, Columns: 4, MaxCellBytes: 10})
	if err != nil {
		t.Fatal(err)
	}
	if p.Offset != 1 || p.FirstColumn != 800 || p.Total != 30 || !p.Done || len(p.Rows) != 5 {
		t.Fatalf("page = offset %d, first column %d, total %d, done %v, %d rows", p.Offset, p.FirstColumn, p.Total, p.Done, len(p.Rows))
	}
	for i, row := range p.Rows {
		if len(row) != 4 {
			t.Fatalf("row %d has %d cells", i, len(row))
		}
	}
	if got := cellText(p.Rows[0][0]) + " " + cellText(p.Rows[1][1]) + " " + cellText(p.Rows[4][3]); got != `"1:800" <NULL> "5:803"` {
		t.Fatalf("cells = %s", got)
	}
	// A cut cell is named by its column in the result, not in the window.
	if len(p.Truncated) != 1 || p.Truncated[0] != (resultset.Truncation{Row: 2, Col: 802, Bytes: 40}) {
		t.Fatalf("truncated = %+v", p.Truncated)
	}

	// The last window is short; Columns 0 reads to the last column.
	for _, opts := range []resultset.PageOptions{{FirstColumn: 1598, Columns: 64}, {FirstColumn: 1598}} {
		p, err := set.PageWith(29, 10, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Rows) != 1 || len(p.Rows[0]) != 2 || *p.Rows[0][1] != "29:1599" {
			t.Fatalf("%+v: rows %v", opts, p.Rows)
		}
	}
	for _, bad := range []resultset.PageOptions{{FirstColumn: -1}, {FirstColumn: 1601}, {Columns: -2}} {
		if _, err := set.PageWith(0, 1, bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
