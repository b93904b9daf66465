package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/internal/sqlcorpus"
	"github.com/tusk-app/tusk/backend/storage"
)

func fillHistory(tb testing.TB, s *storage.Store, n int) []string {
	tb.Helper()
	ctx := context.Background()
	var conns []string
	for i := range 5 {
		c, err := s.SaveConnection(ctx, storage.ConnectionRecord{Name: fmt.Sprintf("db%d", i), Host: "h", Port: 5432})
		if err != nil {
			tb.Fatal(err)
		}
		conns = append(conns, c.ID)
	}
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	for i := range n {
		e := storage.HistoryEntry{
			ConnectionID: conns[r.IntN(len(conns))],
			SQL:          sqlcorpus.Statement(r, i),
			ExecutedAt:   start.Add(time.Duration(i) * time.Minute),
			DurationMs:   int64(r.IntN(5000)),
			RowCount:     ptr(int64(r.IntN(10000))),
		}
		if r.IntN(20) == 0 {
			e.RowCount, e.ErrorMessage, e.ErrorCode = nil, "relation does not exist", "42P01"
		}
		if _, err := s.AddHistory(ctx, e); err != nil {
			tb.Fatal(err)
		}
	}
	return conns
}

// BenchmarkHistorySearch100k measures SearchHistory (a page of 100, the
// default) over 100,000 entries. Target: at most 10 ms per search.
func BenchmarkHistorySearch100k(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	start := time.Now()
	conns := fillHistory(b, s, 100_000)
	b.Logf("filled 100k entries through AddHistory in %v", time.Since(start))

	cases := make([]struct{ name, query, conn string }, 0, len(sqlcorpus.Searches))
	for _, q := range sqlcorpus.Searches {
		conn := ""
		if q.Conn >= 0 {
			conn = conns[q.Conn]
		}
		cases = append(cases, struct{ name, query, conn string }{q.Name, q.Query, conn})
	}
	var total time.Duration
	var searches int
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var hits int
			begin := time.Now()
			for b.Loop() {
				got, err := s.SearchHistory(ctx, c.query, storage.HistoryFilter{ConnectionID: c.conn})
				if err != nil {
					b.Fatal(err)
				}
				hits = len(got)
				searches++
			}
			total += time.Since(begin)
			b.ReportMetric(float64(hits), "hits")
		})
	}
	b.Run("load recent", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.LoadHistory(ctx, storage.HistoryFilter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	if searches > 0 {
		b.Logf("mean over all search cases: %v per search", total/time.Duration(searches))
	}
	begin := time.Now()
	n, err := s.ClearAllHistory(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("ClearAllHistory of %d entries: %v", n, time.Since(begin))
}

// BenchmarkAddHistory measures appending one entry.
func BenchmarkAddHistory(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	r := rand.New(rand.NewPCG(3, 4))
	i := 0
	for b.Loop() {
		if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: sqlcorpus.Statement(r, i), DurationMs: 5}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkOpenFresh measures InitDataDir + Open (creation and migrations)
// on a new directory: the store's share of state initialisation (SC-002:
// under 100 ms in total).
func BenchmarkOpenFresh(b *testing.B) {
	ctx := context.Background()
	root := b.TempDir()
	n := 0
	for b.Loop() {
		dir := filepath.Join(root, fmt.Sprint(n))
		n++
		if err := storage.InitDataDir(dir); err != nil {
			b.Fatal(err)
		}
		s, rep, err := storage.Open(ctx, filepath.Join(dir, storage.FileName))
		if err != nil || rep.Problem() {
			b.Fatal(err, rep)
		}
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkOpenExisting measures InitDataDir + Open of an existing,
// up-to-date store, empty and with 100,000 history entries (the integrity
// check reads the whole file).
func BenchmarkOpenExisting(b *testing.B) {
	ctx := context.Background()
	for _, entries := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("%d history entries", entries), func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, storage.FileName)
			s, _, err := storage.Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			fillHistory(b, s, entries)
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			if info, err := os.Stat(path); err == nil {
				b.ReportMetric(float64(info.Size())/(1<<20), "MiB")
			}
			for b.Loop() {
				if err := storage.InitDataDir(dir); err != nil {
					b.Fatal(err)
				}
				s, rep, err := storage.Open(ctx, path)
				if err != nil || rep.Problem() {
					b.Fatal(err, rep)
				}
				b.StopTimer()
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
