package resultset_test

import (
	"context"
	"testing"

	"github.com/tusk-app/tusk/backend/resultset"
)

// BenchmarkView sorts and filters a 1M-row set (the ten mixed columns of
// benchCols; `make bench` measures the same on a real result).
func BenchmarkView(b *testing.B) {
	set := resultset.New(benchCols, resultset.Options{})
	defer set.Close()
	fill(b, set, benchRows)
	set.Done(nil)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		spec resultset.ViewSpec
	}{
		{"sort-text", resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 2}}}},
		{"sort-numeric", resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 3, Desc: true}}}},
		{"sort-timestamptz", resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 4}}}},
		{"quick-filter", resultset.ViewSpec{Quick: "Name 0004"}},
		{"column-filter", resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: 9, Op: resultset.Greater, Value: "1000"}}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := set.SetView(ctx, bc.spec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("first-page-after-sort", func(b *testing.B) {
		if _, err := set.SetView(ctx, resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 2}}}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if p, err := set.Page(0, 200); err != nil || len(p.Rows) != 200 {
				b.Fatal(err)
			}
		}
	})
}
