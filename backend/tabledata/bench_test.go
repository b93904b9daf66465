package tabledata_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/tusk-app/tusk/backend/tabledata"
)

// BenchmarkCommit1000 commits 1,000 one-cell updates in one transaction
// (values checked, statements pipelined), undoing the previous run each
// time.
func BenchmarkCommit1000(b *testing.B) {
	exec(b, `create table if not exists app.bench (id int primary key, name text);
		truncate app.bench; insert into app.bench select g, 'n' || g from generate_series(1, 1000) g;
		grant all on app.bench to public`)
	c := conn(b)
	r := describe(b, c, "app", "bench")
	edits := func(run int) []tabledata.Change {
		out := make([]tabledata.Change, 1000)
		for i := range out {
			id := strconv.Itoa(i + 1)
			from, to := fmt.Sprintf("n%d", i+1), fmt.Sprintf("e%d", i+1)
			if run%2 == 1 {
				from, to = to, from
			}
			out[i] = tabledata.Change{Kind: tabledata.ChangeUpdate, Old: map[string]tabledata.Value{"id": tabledata.Text(id), "name": tabledata.Text(from)},
				New: map[string]tabledata.Value{"name": tabledata.Text(to)}}
		}
		return out
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		ch := edits(i)
		b.StartTimer()
		res, err := r.Commit(testCtx(b), c, ch)
		if err != nil || !res.Committed {
			b.Fatalf("%+v %v", res.Failure, err)
		}
	}
}

// BenchmarkOneByOne1000 plans the same 1,000 updates and sends them one
// statement per round trip in one transaction: the anchor for
// BenchmarkCommit1000.
func BenchmarkOneByOne1000(b *testing.B) {
	exec(b, `create table if not exists app.bench (id int primary key, name text);
		truncate app.bench; insert into app.bench select g, 'n' || g from generate_series(1, 1000) g;
		grant all on app.bench to public`)
	c := conn(b)
	r := describe(b, c, "app", "bench")
	ctx := testCtx(b)
	b.ResetTimer()
	for run := range b.N {
		b.StopTimer()
		out := make([]tabledata.Change, 1000)
		for i := range out {
			from, to := fmt.Sprintf("n%d", i+1), fmt.Sprintf("e%d", i+1)
			if run%2 == 1 {
				from, to = to, from
			}
			out[i] = tabledata.Change{Kind: tabledata.ChangeUpdate, Old: map[string]tabledata.Value{"id": tabledata.Text(strconv.Itoa(i + 1)), "name": tabledata.Text(from)},
				New: map[string]tabledata.Value{"name": tabledata.Text(to)}}
		}
		b.StartTimer()
		plan, err := r.Plan(out)
		if err != nil {
			b.Fatal(err)
		}
		pg := c.PgConn()
		if err := pg.Exec(ctx, "begin").Close(); err != nil {
			b.Fatal(err)
		}
		for _, st := range plan.Statements {
			rr := pg.ExecParams(ctx, st.SQL, st.Args, nil, nil, nil)
			for rr.NextRow() {
			}
			if tag, err := rr.Close(); err != nil || tag.RowsAffected() != 1 {
				b.Fatal(err)
			}
		}
		if err := pg.Exec(ctx, "commit").Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan1000 plans 1,000 one-cell updates (no server work).
func BenchmarkPlan1000(b *testing.B) {
	exec(b, `create table if not exists app.bench (id int primary key, name text); grant all on app.bench to public`)
	r := describe(b, conn(b), "app", "bench")
	changes := make([]tabledata.Change, 1000)
	for i := range changes {
		changes[i] = tabledata.Change{Kind: tabledata.ChangeUpdate, Old: map[string]tabledata.Value{"id": tabledata.Text(strconv.Itoa(i + 1)), "name": tabledata.Text("a")},
			New: map[string]tabledata.Value{"name": tabledata.Text("b")}}
	}
	b.ResetTimer()
	for range b.N {
		if _, err := r.Plan(changes); err != nil {
			b.Fatal(err)
		}
	}
}
