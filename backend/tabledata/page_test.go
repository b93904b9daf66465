package tabledata_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/tabledata"
)

// pagesRows is the size of app.pages.
const pagesRows = 1000

func init() {
	setups = append(setups, `
create table app.pages (id int primary key, grp int, name text, score float8, day date, tags text[], doc json);
insert into app.pages
select g,
       case when g % 7 = 0 then null else g % 10 end,
       case when g % 11 = 0 then null else 'name ' || (g * 37 % 101) end,
       (g * 7919 % 1000) / 10.0,
       date '2024-01-01' + (g % 365),
       array['t' || (g % 3), 't' || (g % 5)],
       json_build_object('k', g % 4, 'even', g % 2 = 0)
from generate_series(1, 1000) g;
create index pages_grp on app.pages (grp);
analyze app.pages;
insert into app.nokey select g, 'row ' || g from generate_series(1, 95) g;
insert into app.logs select date '2024-01-01' + g, 'msg ' || g from generate_series(1, 120) g;
create view app.pages_nokey as select name, grp from app.pages;
grant select on app.pages_nokey to public;
`)
}

// ids runs sql and returns the first column as text.
func ids(t *testing.T, c *pgx.Conn, sql string) []string {
	t.Helper()
	rows, err := c.Query(testCtx(t), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var v *string
		if err := r.Scan(&v); err != nil {
			return "", err
		}
		if v == nil {
			return "NULL", nil
		}
		return *v, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func cell(v *string) string {
	if v == nil {
		return "NULL"
	}
	return *v
}

func firstCol(rows [][]*string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = cell(r[0])
	}
	return out
}

// walk reads every page forward from the first, then backward from the
// last, checking positions on the way.
func walk(t *testing.T, r *tabledata.Relation, c tabledata.Conn, req tabledata.PageRequest) (fwd, bwd []string) {
	t.Helper()
	ctx := testCtx(t)
	req.Seek = tabledata.Seek{To: tabledata.SeekFirst}
	for i := 0; ; i++ {
		p, err := r.Page(ctx, c, req)
		if err != nil {
			t.Fatalf("page %d forward: %v", i, err)
		}
		if p.Position != int64(len(fwd)) || !p.Exact {
			t.Fatalf("forward page %d at position %d (exact %v), want %d", i, p.Position, p.Exact, len(fwd))
		}
		fwd = append(fwd, firstCol(p.Rows)...)
		if p.AtEnd || len(p.Rows) == 0 {
			break
		}
		req.Seek = tabledata.Seek{To: tabledata.SeekAfter, Cursor: p.Last}
		if i > 2000 {
			t.Fatal("forward walk does not end")
		}
	}
	req.Seek = tabledata.Seek{To: tabledata.SeekLast}
	req.Total, req.TotalExact = int64(len(fwd)), true
	for i := 0; ; i++ {
		p, err := r.Page(ctx, c, req)
		if err != nil {
			t.Fatalf("page %d backward: %v", i, err)
		}
		if want := int64(len(fwd) - len(bwd) - len(p.Rows)); p.Position != want || !p.Exact {
			t.Fatalf("backward page %d at position %d (exact %v), want %d", i, p.Position, p.Exact, want)
		}
		bwd = append(firstCol(p.Rows), bwd...)
		if p.AtStart || len(p.Rows) == 0 {
			break
		}
		req.Seek = tabledata.Seek{To: tabledata.SeekBefore, Cursor: p.First}
		if i > 2000 {
			t.Fatal("backward walk does not end")
		}
	}
	return fwd, bwd
}

func TestPagesWalkEveryOrder(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "pages")
	for _, tc := range []struct {
		sort   []tabledata.SortKey
		order  string
		filter tabledata.Filter
		where  string
	}{
		{nil, "id", tabledata.Filter{}, ""},
		{[]tabledata.SortKey{{Column: "id", Desc: true}}, "id desc", tabledata.Filter{}, ""},
		{[]tabledata.SortKey{{Column: "grp"}}, "grp, id", tabledata.Filter{}, ""},
		{[]tabledata.SortKey{{Column: "grp", Desc: true}}, "grp desc, id", tabledata.Filter{}, ""},
		{[]tabledata.SortKey{{Column: "name"}, {Column: "grp", Desc: true}}, "name, grp desc, id", tabledata.Filter{}, ""},
		{[]tabledata.SortKey{{Column: "name", Desc: true}, {Column: "grp"}}, "name desc, grp, id", tabledata.Filter{}, ""},
		{[]tabledata.SortKey{{Column: "score", Desc: true}, {Column: "day"}}, "score desc, day, id", tabledata.Filter{}, ""},
		{[]tabledata.SortKey{{Column: "grp"}}, "grp, id",
			tabledata.Filter{Match: "any", Conditions: []tabledata.Condition{{Column: "grp", Op: tabledata.OpEqual, Values: []string{"3"}}, {Column: "grp", Op: tabledata.OpIsNull}}},
			"grp = 3 or grp is null"},
		{[]tabledata.SortKey{{Column: "tags"}}, "tags, id",
			tabledata.Filter{Mode: "sql", SQL: "score < 50 and day > '2024-03-01'"}, "score < 50 and day > '2024-03-01'"},
	} {
		name := tc.order
		if tc.where != "" {
			name += " where " + tc.where
		}
		t.Run(name, func(t *testing.T) {
			where := ""
			if tc.where != "" {
				where = " where " + tc.where
			}
			want := ids(t, c, "select id from app.pages"+where+" order by "+tc.order)
			for _, limit := range []int{3, 37, 1000} {
				fwd, bwd := walk(t, r, c, tabledata.PageRequest{Sort: tc.sort, Filter: tc.filter, Limit: limit})
				if !slices.Equal(fwd, want) {
					t.Errorf("limit %d: forward %d rows, want %d; first difference at %d", limit, len(fwd), len(want), firstDiff(fwd, want))
				}
				if !slices.Equal(bwd, want) {
					t.Errorf("limit %d: backward %d rows, want %d; first difference at %d", limit, len(bwd), len(want), firstDiff(bwd, want))
				}
			}
		})
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestPagesWithoutKey(t *testing.T) {
	c := conn(t)
	for _, n := range []string{"nokey", "logs", "pages_nokey"} {
		r := describe(t, c, "app", n)
		want := ids(t, c, "select count(*) from app."+n)
		fwd, bwd := walk(t, r, c, tabledata.PageRequest{Limit: 10})
		if fmt.Sprint(len(fwd)) != want[0] || len(bwd) != len(fwd) {
			t.Errorf("%s: forward %d, backward %d rows, want %s", n, len(fwd), len(bwd), want[0])
		}
		// The middle by fraction: OFFSET into the total, exact.
		p, err := r.Page(testCtx(t), c, tabledata.PageRequest{Limit: 5, Total: int64(len(fwd)), TotalExact: true, Seek: tabledata.Seek{To: tabledata.SeekFraction, Fraction: 0.5}})
		if err != nil || len(p.Rows) != 5 || !p.Exact || p.Position != int64(len(fwd))/2 || p.Position+5 > int64(len(fwd)) || !slices.Equal(firstCol(p.Rows), fwd[p.Position:p.Position+5]) {
			t.Errorf("%s at 0.5: %v at %d (exact %v), %v", n, firstCol(p.Rows), p.Position, p.Exact, err)
		}
		sortedF, sortedB := slices.Clone(fwd), slices.Clone(bwd)
		slices.Sort(sortedF)
		slices.Sort(sortedB)
		if !slices.Equal(sortedF, sortedB) {
			t.Errorf("%s: the walks saw different rows", n)
		}
	}
}

func TestPageFraction(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "pages")
	for _, tc := range []struct {
		sort  []tabledata.SortKey
		order string
	}{
		{nil, "id"},
		{[]tabledata.SortKey{{Column: "id", Desc: true}}, "id desc"},
		{[]tabledata.SortKey{{Column: "grp"}}, "grp, id"},
		{[]tabledata.SortKey{{Column: "grp", Desc: true}}, "grp desc, id"},
		{[]tabledata.SortKey{{Column: "day"}}, "day, id"},
		{[]tabledata.SortKey{{Column: "name"}}, "name, id"},
	} {
		want := ids(t, c, "select id from app.pages order by "+tc.order)
		for _, f := range []float64{0.05, 0.1, 0.5, 0.9, 0.95} {
			p, err := r.Page(testCtx(t), c, tabledata.PageRequest{Sort: tc.sort, Limit: 20, Seek: tabledata.Seek{To: tabledata.SeekFraction, Fraction: f}})
			if err != nil {
				t.Fatalf("%s at %.1f: %v", tc.order, f, err)
			}
			got := firstCol(p.Rows)
			at := slices.Index(want, got[0])
			if at < 0 || !slices.Equal(want[at:at+len(got)], got) {
				t.Errorf("%s at %.1f: not a run of the order: %v", tc.order, f, got)
				continue
			}
			if math.Abs(float64(at)-f*pagesRows) > 0.12*pagesRows {
				t.Errorf("%s at %.1f: landed on row %d", tc.order, f, at)
			}
			if p.Exact || math.Abs(float64(p.Position)-float64(at)) > 0.12*pagesRows {
				t.Errorf("%s at %.1f: position %d (exact %v), truly %d", tc.order, f, p.Position, p.Exact, at)
			}
			// Its neighbours continue the order both ways.
			next, err := r.Page(testCtx(t), c, tabledata.PageRequest{Sort: tc.sort, Limit: 5, Seek: tabledata.Seek{To: tabledata.SeekAfter, Cursor: p.Last}})
			end := at + len(got)
			if err != nil || !slices.Equal(firstCol(next.Rows), want[end:min(end+5, len(want))]) || next.AtEnd != (end+5 >= len(want)) {
				t.Errorf("%s at %.1f: the next page %v, %v", tc.order, f, firstCol(next.Rows), err)
			}
			if at < 5 {
				continue
			}
			prev, err := r.Page(testCtx(t), c, tabledata.PageRequest{Sort: tc.sort, Limit: 5, Seek: tabledata.Seek{To: tabledata.SeekBefore, Cursor: p.First}})
			if err != nil || !slices.Equal(firstCol(prev.Rows), want[at-5:at]) {
				t.Errorf("%s at %.1f: the page before %v, %v", tc.order, f, firstCol(prev.Rows), err)
			}
		}
	}
}

// TestPageFractionAmongNulls: a fraction that falls among a sort column's
// NULLs (last ascending, first descending) lands among them.
func TestPageFractionAmongNulls(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "pages")
	for _, tc := range []struct {
		desc bool
		f    float64
	}{{false, 0.97}, {true, 0.03}} {
		p, err := r.Page(testCtx(t), c, tabledata.PageRequest{Sort: []tabledata.SortKey{{Column: "name", Desc: tc.desc}}, Limit: 5,
			Seek: tabledata.Seek{To: tabledata.SeekFraction, Fraction: tc.f}})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range p.Rows {
			if row[2] != nil {
				t.Errorf("desc %v at %.2f: name %q, want NULLs", tc.desc, tc.f, *row[2])
			}
		}
		if want := int64(tc.f * pagesRows); p.Position < want-20 || p.Position > want+20 {
			t.Errorf("desc %v at %.2f: position %d", tc.desc, tc.f, p.Position)
		}
	}
}

func TestPageOffsetLastAndEstimate(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "pages")
	p, err := r.Page(testCtx(t), c, tabledata.PageRequest{Limit: 3, Seek: tabledata.Seek{To: tabledata.SeekOffset, Offset: 500}, Estimate: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := firstCol(p.Rows); !slices.Equal(got, []string{"501", "502", "503"}) || p.Position != 500 || !p.Exact {
		t.Errorf("offset 500: %v at %d", got, p.Position)
	}
	if p.Estimate < 900 || p.Estimate > 1100 {
		t.Errorf("estimate %d for %d rows", p.Estimate, pagesRows)
	}
	last, err := r.Page(testCtx(t), c, tabledata.PageRequest{Limit: 3, Seek: tabledata.Seek{To: tabledata.SeekLast}, Estimate: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := firstCol(last.Rows); !slices.Equal(got, []string{"998", "999", "1000"}) || !last.AtEnd || last.Exact {
		t.Errorf("last: %v at %d exact %v", got, last.Position, last.Exact)
	}
	if last.Position != last.Estimate-3 {
		t.Errorf("last page at %d, estimate %d", last.Position, last.Estimate)
	}
	filtered, err := r.Page(testCtx(t), c, tabledata.PageRequest{Estimate: true,
		Filter: tabledata.Filter{Conditions: []tabledata.Condition{{Column: "grp", Op: tabledata.OpEqual, Values: []string{"3"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if n := int64(len(filtered.Rows)); filtered.Estimate < n/2 || filtered.Estimate > n*2 || !filtered.AtEnd {
		t.Errorf("filtered: %d rows, estimate %d", n, filtered.Estimate)
	}
}

func TestPageTruncatesLongCells(t *testing.T) {
	c := conn(t)
	exec(t, `create table app.long (id int primary key, v text); insert into app.long values (1, repeat('é', 20000)), (2, 'short'); grant all on app.long to public`)
	r := describe(t, c, "app", "long")
	p, err := r.Page(testCtx(t), c, tabledata.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Truncated) != 1 || p.Truncated[0] != (tabledata.Truncation{Row: 0, Col: 1, Bytes: 40000}) {
		t.Fatalf("truncated %+v", p.Truncated)
	}
	if v := *p.Rows[0][1]; len(v) > tabledata.DefaultMaxCellBytes || !strings.HasPrefix(strings.Repeat("é", 20000), v) {
		t.Errorf("cut to %d bytes, not at a character boundary or not a prefix", len(v))
	}
	full, found, err := r.Cell(testCtx(t), c, tabledata.FromCells(map[string]*string{"id": str("1")}), "v")
	if err != nil || !found || len(*full) != 40000 {
		t.Errorf("cell: %v %v", found, err)
	}
	if _, found, err := r.Cell(testCtx(t), c, tabledata.FromCells(map[string]*string{"id": str("3")}), "v"); found || err != nil {
		t.Errorf("a missing row: found %v, %v", found, err)
	}
}

func TestPageValidation(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "pages")
	for _, tc := range []struct {
		req    tabledata.PageRequest
		fields []string
	}{
		{tabledata.PageRequest{Sort: []tabledata.SortKey{{Column: "nope"}}}, []string{"sort.0.column"}},
		{tabledata.PageRequest{Sort: []tabledata.SortKey{{Column: "doc"}}}, []string{"sort.0.column"}},
		{tabledata.PageRequest{Seek: tabledata.Seek{To: tabledata.SeekAfter}}, []string{"seek.cursor"}},
		{tabledata.PageRequest{Seek: tabledata.Seek{To: tabledata.SeekAfter, Cursor: &tabledata.Cursor{Values: []*string{str("1"), str("2")}}}}, []string{"seek.cursor"}},
		{tabledata.PageRequest{Seek: tabledata.Seek{To: tabledata.SeekFraction, Fraction: 2}}, []string{"seek.fraction"}},
		{tabledata.PageRequest{Filter: tabledata.Filter{Conditions: []tabledata.Condition{
			{Column: "id", Op: tabledata.OpEqual, Values: []string{"12"}},
			{Column: "id", Op: tabledata.OpGreater, Values: []string{"twelve"}},
			{Column: "day", Op: tabledata.OpBetween, Values: []string{"2024-01-01", "2024-13-45"}},
		}}}, []string{"filter.conditions.1.values.0", "filter.conditions.2.values.1"}},
		{tabledata.PageRequest{Filter: tabledata.Filter{Groups: []tabledata.Filter{{Conditions: []tabledata.Condition{
			{Column: "doc", Op: tabledata.OpJSONContains, Values: []string{"{nope"}},
			{Column: "tags", Op: tabledata.OpArrayContains, Values: []string{"a", "b"}},
			{Column: "doc", Op: tabledata.OpLess, Values: []string{"1"}},
			{Column: "grp", Op: tabledata.OpBetween, Values: []string{"1"}},
			{Column: "grp", Op: tabledata.OpIn},
			{Column: "ghost", Op: tabledata.OpEqual, Values: []string{"1"}},
		}}}}}, []string{"filter.groups.0.conditions.2.op", "filter.groups.0.conditions.3.values", "filter.groups.0.conditions.4.values", "filter.groups.0.conditions.5.column"}},
		{tabledata.PageRequest{Filter: tabledata.Filter{Conditions: []tabledata.Condition{{Column: "doc", Op: tabledata.OpJSONContains, Values: []string{"{nope"}}}}}, []string{"filter.conditions.0.values.0"}},
		{tabledata.PageRequest{Filter: tabledata.Filter{Mode: "sql", SQL: "true); drop table app.pages; select (1"}}, []string{"filter.sql"}},
		{tabledata.PageRequest{Filter: tabledata.Filter{Mode: "sql", SQL: "true) or (true"}}, []string{"filter.sql"}},
		{tabledata.PageRequest{Filter: tabledata.Filter{Mode: "sql", SQL: "id = 1 -- comment"}}, nil},
	} {
		_, err := r.Page(testCtx(t), c, tc.req)
		if tc.fields == nil {
			if err != nil {
				t.Errorf("%+v: %v", tc.req, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%+v: no error", tc.req)
			continue
		}
		e := apperr.Classify(err)
		var got []string
		for _, f := range e.Fields {
			got = append(got, f.Field)
		}
		if e.Kind != apperr.Validation || !slices.Equal(got, tc.fields) {
			t.Errorf("%+v: %s fields %v, want %v (%v)", tc.req, e.Kind, got, tc.fields, err)
		}
	}
	if n := ids(t, c, "select count(*) from app.pages"); n[0] != fmt.Sprint(pagesRows) {
		t.Fatalf("app.pages has %s rows", n[0])
	}
}

func TestRawFilterErrorPointsIntoTheText(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "pages")
	_, err := r.Page(testCtx(t), c, tabledata.PageRequest{Filter: tabledata.Filter{Mode: "sql", SQL: "grp = 1 and nosuch > 2"}})
	e := apperr.Classify(err)
	if e.Pg == nil || e.Pg.Code != "42703" || e.Pg.Position != 13 || len(e.Fields) != 1 || e.Fields[0].Field != "filter.sql" {
		t.Fatalf("error %+v pg %+v", e, e.Pg)
	}
	// A raw filter that calls a writing function runs read-only.
	exec(t, `create function app.sneaky() returns boolean language plpgsql as $$ begin delete from app.pages; return true; end $$; grant execute on function app.sneaky() to public`)
	_, err = r.Page(testCtx(t), c, tabledata.PageRequest{Filter: tabledata.Filter{Mode: "sql", SQL: "app.sneaky()"}})
	if e := apperr.Classify(err); e.Pg == nil || e.Pg.Code != "25006" {
		t.Errorf("a writing filter: %v", err)
	}
	if n := ids(t, c, "select count(*) from app.pages"); n[0] != fmt.Sprint(pagesRows) {
		t.Fatalf("app.pages has %s rows", n[0])
	}
}
