package resultset_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/tusk-app/tusk/backend/resultset"
)

// benchCols are 10 mixed columns of realistic text widths (≈170 bytes a row,
// like the 1M-row "select *" of the throughput anchors).
var benchCols = []resultset.Column{
	{Name: "id", TypeOID: 23}, {Name: "account", TypeOID: 20}, {Name: "name", TypeOID: 25},
	{Name: "amount", TypeOID: 1700}, {Name: "created", TypeOID: 1184}, {Name: "active", TypeOID: 16},
	{Name: "uid", TypeOID: 2950}, {Name: "meta", TypeOID: 3802}, {Name: "note", TypeOID: 25},
	{Name: "score", TypeOID: 701},
}

// benchRows returns n distinct rows; the returned raw values are reused
// between rows like pgx's RawValues.
func benchRow(i int, raw [][]byte) [][]byte {
	raw[0] = strconv.AppendInt(raw[0][:0], int64(i), 10)
	raw[1] = strconv.AppendInt(raw[1][:0], int64(i)*7919+1_000_000_000, 10)
	raw[2] = fmt.Appendf(raw[2][:0], "customer name %06d", i%1000)
	raw[3] = fmt.Appendf(raw[3][:0], "%d.%02d", i%100000, i%100)
	raw[4] = fmt.Appendf(raw[4][:0], "2024-%02d-%02d 12:34:56.%06d+00", i%12+1, i%28+1, i%1000000)
	raw[5] = append(raw[5][:0], "tf"[i%2])
	raw[6] = fmt.Appendf(raw[6][:0], "a0eebc99-9c0b-4ef8-bb6d-%012x", i)
	raw[7] = fmt.Appendf(raw[7][:0], `{"tags": ["a", "b"], "n": %d, "ok": true}`, i%977)
	if i%5 == 0 {
		raw[8] = nil
	} else {
		raw[8] = append(raw[8][:0], "some note text"...)
	}
	raw[9] = strconv.AppendFloat(raw[9][:0], float64(i)/3, 'g', -1, 64)
	return raw
}

// benchPool holds distinct rows that fill cycles through, so that the
// benchmarks measure the store, not the making of rows.
var benchPool = func() [][][]byte {
	pool := make([][][]byte, 4096)
	for i := range pool {
		raw := make([][]byte, len(benchCols))
		for j := range raw {
			raw[j] = make([]byte, 0, 64)
		}
		pool[i] = benchRow(i, raw)
	}
	return pool
}()

func fill(b *testing.B, set *resultset.Set, n int) (rawBytes int64) {
	for i := range n {
		raw := benchPool[i%len(benchPool)]
		for j := range raw {
			rawBytes += int64(len(raw[j]))
		}
		if err := set.Append(raw); err != nil {
			b.Fatal(err)
		}
	}
	return rawBytes
}

const benchRows = 1_000_000

// BenchmarkAppend appends 1M rows × 10 columns per iteration, all in RAM
// (the default budget) and with a 16 MiB budget (most chunks spilled).
func BenchmarkAppend(b *testing.B) {
	for _, bc := range []struct {
		name   string
		budget int64
	}{{"ram", 0}, {"spill16MiB", 16 << 20}} {
		b.Run(bc.name, func(b *testing.B) {
			var st resultset.Stats
			var rawBytes int64
			for b.Loop() {
				set := resultset.New(benchCols, resultset.Options{MemoryBudget: bc.budget, TempDir: b.TempDir()})
				rawBytes = fill(b, set, benchRows)
				st = set.Stats()
				if err := set.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
			b.ReportMetric(float64(rawBytes)/benchRows, "raw-B/row")
			b.ReportMetric(float64(st.DataBytes-rawBytes)/benchRows, "encoding-B/row")
			b.ReportMetric(float64(st.MemoryBytes)/benchRows, "mem-B/row")
			b.ReportMetric(float64(st.FileBytes)/benchRows, "file-B/row")
		})
	}
}

// BenchmarkPage reads a 1000-row page at offset 900k of a 1M-row set, from
// RAM and from the spill file.
func BenchmarkPage(b *testing.B) {
	for _, bc := range []struct {
		name   string
		budget int64
	}{{"ram", 0}, {"spill16MiB", 16 << 20}} {
		b.Run(bc.name, func(b *testing.B) {
			set := resultset.New(benchCols, resultset.Options{MemoryBudget: bc.budget, TempDir: b.TempDir()})
			defer set.Close()
			fill(b, set, benchRows)
			set.Done(nil)
			b.ResetTimer()
			for b.Loop() {
				p, err := set.Page(900_000, 1000)
				if err != nil || len(p.Rows) != 1000 {
					b.Fatal(len(p.Rows), err)
				}
			}
		})
	}
}
