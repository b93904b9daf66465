package main

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/explain"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
)

// viewFigures are the timings of sorting and filtering a stored result;
// cpu holds the process's CPU time of the best run of each, which shows
// how much of the wall time was waiting for a core on a shared machine.
type viewFigures struct {
	sortText, sortNumeric, quick, column []time.Duration
	pageAfterSort, pageAfterQuick        []time.Duration
	cpu                                  map[string]time.Duration // by figure: "sortText", "pageAfterSort" …
	quickRows                            int64
}

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Columns of the wide table the view benchmark uses.
const (
	wideText    = 2 // t: 'row ' || part of an md5, a few NULLs
	wideNumeric = 3 // amount numeric(12,2)
	wideFloat   = 4 // f float8
)

// benchView sorts and filters the finished result id (select * from wide)
// runs times each, and reads the first page after each change.
func benchView(eng *query.Engine, id string, runs int) (viewFigures, error) {
	f := viewFigures{cpu: map[string]time.Duration{}}
	ctx := context.Background()
	set, err := eng.ResultSet(id, 0)
	if err != nil {
		return f, err
	}
	timed := func(spec resultset.ViewSpec, name string, build *[]time.Duration, pageName string, page *[]time.Duration) error {
		s, c := time.Now(), cpuTime()
		info, err := set.SetView(ctx, spec)
		if err != nil {
			return err
		}
		took, cpu := time.Since(s), cpuTime()-c
		if len(*build) == 0 || took < percentile(*build, 0) {
			f.cpu[name] = cpu // the CPU time of the best run so far
		}
		*build = append(*build, took)
		if spec.Quick != "" {
			f.quickRows = info.Rows
		}
		if page != nil {
			s, c = time.Now(), cpuTime()
			p, err := eng.Page(id, 0, 0, query.DefaultFirstPage)
			if err != nil {
				return err
			}
			took, cpu = time.Since(s), cpuTime()-c
			if len(*page) == 0 || took < percentile(*page, 0) {
				f.cpu[pageName] = cpu
			}
			*page = append(*page, took)
			if int64(len(p.Rows)) != min(info.Rows, query.DefaultFirstPage) {
				return fmt.Errorf("first page after %+v has %d rows", spec, len(p.Rows))
			}
		}
		return nil
	}
	for range runs {
		if err := timed(resultset.ViewSpec{Sort: []resultset.SortKey{{Column: wideText}}}, "sortText", &f.sortText, "pageAfterSort", &f.pageAfterSort); err != nil {
			return f, err
		}
		if err := timed(resultset.ViewSpec{Sort: []resultset.SortKey{{Column: wideNumeric, Desc: true}}}, "sortNumeric", &f.sortNumeric, "pageAfterSort", &f.pageAfterSort); err != nil {
			return f, err
		}
		if err := timed(resultset.ViewSpec{Quick: "ABC1"}, "quick", &f.quick, "pageAfterQuick", &f.pageAfterQuick); err != nil {
			return f, err
		}
		if err := timed(resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: wideFloat, Op: resultset.Greater, Value: "100000"}}}, "column", &f.column, "", nil); err != nil {
			return f, err
		}
	}
	set.ClearView()
	return f, nil
}

// benchPlan parses and analyses a real plan of n+1 nodes (EXPLAIN ANALYZE,
// VERBOSE, BUFFERS of a UNION ALL of n index scans) runs times.
func benchPlan(ctx context.Context, connString string, n, runs int) ([]time.Duration, int, error) {
	c, err := pgconn.Connect(ctx, connString)
	if err != nil {
		return nil, 0, err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `create temp table plan_t as select g as id, md5(g::text) as v from generate_series(1, 5000) g;
		create index on plan_t (id); analyze plan_t`).ReadAll(); err != nil {
		return nil, 0, err
	}
	var b strings.Builder
	b.WriteString("explain (analyze, verbose, buffers, format json) ")
	for i := range n {
		if i > 0 {
			b.WriteString(" union all ")
		}
		fmt.Fprintf(&b, "select id, v from plan_t where id = %d", i+1)
	}
	rs, err := c.Exec(ctx, b.String()).ReadAll()
	if err != nil {
		return nil, 0, err
	}
	raw := rs[0].Rows[0][0]
	var ds []time.Duration
	for range runs {
		s := time.Now()
		p, err := explain.Parse(raw)
		if err != nil {
			return nil, 0, err
		}
		ds = append(ds, time.Since(s))
		if len(p.Nodes) != n+1 {
			return nil, 0, fmt.Errorf("the plan has %d nodes, want %d", len(p.Nodes), n+1)
		}
	}
	return ds, len(raw), nil
}
