package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/tusk-app/tusk/backend/internal/sqlcorpus"
	"github.com/tusk-app/tusk/backend/storage"
)

type historyResult struct {
	fill          time.Duration
	all           []time.Duration
	worstName     string
	worstP50      time.Duration
	queries, runs int
}

// benchHistory fills a fresh store with n entries and times SearchHistory.
func benchHistory(ctx context.Context, n, runs int) (historyResult, error) {
	var res historyResult
	dir, err := os.MkdirTemp("", "tusk-bench-history-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	if err := storage.InitDataDir(dir); err != nil {
		return res, err
	}
	s, _, err := storage.Open(ctx, filepath.Join(dir, storage.FileName))
	if err != nil {
		return res, err
	}
	defer s.Close()
	var conns []string
	for i := range 5 {
		c, err := s.SaveConnection(ctx, storage.ConnectionRecord{Name: fmt.Sprintf("db%d", i), Host: "h", Port: 5432})
		if err != nil {
			return res, err
		}
		conns = append(conns, c.ID)
	}
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	first := start.Add(-time.Duration(n) * time.Minute)
	for i := range n {
		rows := int64(r.IntN(10000))
		e := storage.HistoryEntry{
			ConnectionID: conns[r.IntN(len(conns))],
			SQL:          sqlcorpus.Statement(r, i),
			ExecutedAt:   first.Add(time.Duration(i) * time.Minute),
			DurationMs:   int64(r.IntN(5000)),
			RowCount:     &rows,
		}
		if r.IntN(20) == 0 {
			e.RowCount, e.ErrorMessage, e.ErrorCode = nil, "relation does not exist", "42P01"
		}
		if _, err := s.AddHistory(ctx, e); err != nil {
			return res, err
		}
	}
	res.fill = time.Since(start)
	cases := make([]struct{ name, query, conn string }, 0, len(sqlcorpus.Searches))
	for _, q := range sqlcorpus.Searches {
		conn := ""
		if q.Conn >= 0 {
			conn = conns[q.Conn]
		}
		cases = append(cases, struct{ name, query, conn string }{q.Name, q.Query, conn})
	}
	res.queries, res.runs = len(cases), runs
	for _, c := range cases {
		var ds []time.Duration
		for range runs {
			t0 := time.Now()
			if _, err := s.SearchHistory(ctx, c.query, storage.HistoryFilter{ConnectionID: c.conn}); err != nil {
				return res, fmt.Errorf("search %q: %w", c.query, err)
			}
			ds = append(ds, time.Since(t0))
		}
		if p := percentile(ds, 50); p > res.worstP50 {
			res.worstP50, res.worstName = p, c.name
		}
		res.all = append(res.all, ds...)
	}
	return res, nil
}
