package resultset_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strconv"
	"syscall"
	"testing"
	"time"

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

// wideCols and wideRow mirror the wide table `make bench` seeds
// (backend/internal/benchcmd), row g as PostgreSQL's text format shows it:
// the text column is 'row ' and 16–35 hex digits of md5(g), so that sorting
// and the quick filter meet the data the targets are set for.
var wideCols = []resultset.Column{
	{Name: "id", TypeOID: 20}, {Name: "n", TypeOID: 23}, {Name: "t", TypeOID: 25},
	{Name: "amount", TypeOID: 1700}, {Name: "f", TypeOID: 701}, {Name: "b", TypeOID: 16},
	{Name: "ts", TypeOID: 1184}, {Name: "d", TypeOID: 1082}, {Name: "u", TypeOID: 2950},
	{Name: "j", TypeOID: 3802},
}

func wideRow(g int64, raw [][]byte) [][]byte {
	sum := md5.Sum([]byte(strconv.FormatInt(g, 10)))
	hx := hex.EncodeToString(sum[:])
	raw[0] = strconv.AppendInt(raw[0][:0], g, 10)
	raw[1] = strconv.AppendInt(raw[1][:0], g*7919%1000000, 10)
	raw[2] = nil
	if g%997 != 0 {
		raw[2] = append(append(raw[2][:0:0], "row "...), hx[:min(16+g%20, 32)]...)
	}
	raw[3] = fmt.Appendf(raw[3][:0:0], "%d.%02d", g%1000000/100, g%100)
	raw[4] = nil
	if g%1009 != 0 {
		raw[4] = strconv.AppendFloat(raw[4][:0:0], float64(g)*1.000123/7, 'g', -1, 64)
	}
	raw[5] = nil
	if g%101 != 0 {
		raw[5] = []byte{"ft"[b2i(g%3 == 0)]}
	}
	ts := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(g) * time.Second)
	raw[6] = ts.AppendFormat(raw[6][:0:0], "2006-01-02 15:04:05+00")
	raw[7] = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(g%3000)).AppendFormat(raw[7][:0:0], "2006-01-02")
	raw[8] = fmt.Appendf(raw[8][:0:0], "%s-%s-%s-%s-%s", hx[:8], hx[8:12], hx[12:16], hx[16:20], hx[20:])
	raw[9] = nil
	if g%499 != 0 {
		raw[9] = fmt.Appendf(raw[9][:0:0], `{"k": %d, "tag": "t%d"}`, g%1000, g%10)
	}
	return raw
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkWideView is what `make bench` measures in section 8, on a set
// filled in memory (no server): sort by the text column, by the numeric
// column descending, and the quick filter for "ABC1" over every cell.
func BenchmarkWideView(b *testing.B) {
	set := resultset.New(wideCols, resultset.Options{})
	defer set.Close()
	raw := make([][]byte, len(wideCols))
	for g := int64(1); g <= benchRows; g++ {
		if err := set.Append(wideRow(g, raw)); err != nil {
			b.Fatal(err)
		}
	}
	set.Done(nil)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		spec resultset.ViewSpec
	}{
		{"sort-text", resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 2}}}},
		{"sort-numeric", resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 3, Desc: true}}}},
		{"quick-filter", resultset.ViewSpec{Quick: "ABC1"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var rows int64
			cpu := cpuTime()
			for b.Loop() {
				info, err := set.SetView(ctx, bc.spec)
				if err != nil {
					b.Fatal(err)
				}
				rows = info.Rows
			}
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the CPU time (user + system) the process has used: on a
// shared machine the wall time also counts waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
