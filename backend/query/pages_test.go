package query_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
)

func TestPageWithReadsAWindowOfTheColumns(t *testing.T) {
	e := newEnv(t)
	cols := make([]string, 1600)
	for c := range cols {
		cols[c] = fmt.Sprintf("g * %d as c%d", c, c)
	}
	sum := e.run(t, "wide", "select "+strings.Join(cols, ", ")+" from generate_series(1, 600) g")
	if sum.Status != query.StatusDone || sum.Statements[0].Rows != 600 || len(sum.Statements[0].Columns) != 1600 {
		t.Fatalf("summary = %s, %d rows", sum.Status, sum.Statements[0].Rows)
	}
	p, err := e.eng.PageWith(sum.QueryID, 0, 500, 200, resultset.PageOptions{FirstColumn: 1000, Columns: 64})
	if err != nil {
		t.Fatal(err)
	}
	if p.FirstColumn != 1000 || len(p.Rows) != 100 || len(p.Rows[0]) != 64 || p.Total != 600 || !p.Done {
		t.Fatalf("page: first column %d, %d rows of %d cells, total %d", p.FirstColumn, len(p.Rows), len(p.Rows[0]), p.Total)
	}
	// Row 500 is g = 501; column 1000 + k holds g * (1000 + k).
	if *p.Rows[0][0] != "501000" || *p.Rows[99][63] != fmt.Sprint(600*1063) {
		t.Fatalf("cells %s … %s", *p.Rows[0][0], *p.Rows[99][63])
	}
	if _, err := e.eng.PageWith(sum.QueryID, 0, 0, 1, resultset.PageOptions{FirstColumn: 1601}); err == nil {
		t.Fatal("a window past the last column is an error")
	}
}
