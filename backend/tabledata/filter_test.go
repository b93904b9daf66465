package tabledata_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/tabledata"
)

// TestFilterOperators: every operator keeps exactly the rows the
// equivalent hand-written condition keeps.
func TestFilterOperators(t *testing.T) {
	c := conn(t)
	exec(t, `insert into app.pages (id, name) values (2001, 'under_score 100%'), (2002, 'UNDER_SCORE x'), (2003, 'back\slash')`)
	t.Cleanup(func() { exec(t, `delete from app.pages where id > 2000`) })
	r := describe(t, c, "app", "pages")
	cond := func(col string, op tabledata.Operator, vals ...string) tabledata.Condition {
		return tabledata.Condition{Column: col, Op: op, Values: vals}
	}
	for _, tc := range []struct {
		f     tabledata.Filter
		where string
	}{
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("grp", tabledata.OpEqual, "3")}}, "grp = 3"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("grp", tabledata.OpNotEqual, "3")}}, "grp <> 3"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("score", tabledata.OpLess, "10.5")}}, "score < 10.5"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("score", tabledata.OpLessEqual, "10.5")}}, "score <= 10.5"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("day", tabledata.OpGreater, "2024-12-01")}}, "day > '2024-12-01'"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("day", tabledata.OpGreaterEqual, "2024-12-01")}}, "day >= '2024-12-01'"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("id", tabledata.OpBetween, "10", "20")}}, "id between 10 and 20"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("id", tabledata.OpIn, "1", "5", "999")}}, "id in (1, 5, 999)"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpContains, "e 1")}}, "name like '%e 1%'"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpContains, "_score 100%")}}, "id = 2001"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpIContains, "_score")}}, "id in (2001, 2002)"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpContains, `k\s`)}}, "id = 2003"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpStartsWith, "name 9")}}, "name like 'name 9%'"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpIStartsWith, "NAME 9")}}, "name like 'name 9%'"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpEndsWith, "7")}}, "name like '%7'"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpIEndsWith, "X")}}, "id = 2002"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("id", tabledata.OpStartsWith, "99")}}, "id::text like '99%'"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpIsNull)}}, "name is null"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("name", tabledata.OpIsNotNull)}}, "name is not null"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("doc", tabledata.OpJSONContains, `{"k": 1, "even": false}`)}}, "doc::jsonb @> '{\"k\": 1, \"even\": false}'"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("doc", tabledata.OpEqual, `{"k" : 1, "even" : false}`)}}, "doc::text = '{\"k\" : 1, \"even\" : false}'"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("tags", tabledata.OpArrayContains, "t1", "t4")}}, "tags @> array['t1', 't4']"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("tags", tabledata.OpEqual, "{t0,t0}")}}, "tags = '{t0,t0}'"},
		{tabledata.Filter{Match: "any", Conditions: []tabledata.Condition{cond("grp", tabledata.OpEqual, "1"), cond("grp", tabledata.OpEqual, "2")}}, "grp = 1 or grp = 2"},
		{tabledata.Filter{Conditions: []tabledata.Condition{cond("score", tabledata.OpLess, "50")}, Groups: []tabledata.Filter{
			{Match: "any", Conditions: []tabledata.Condition{cond("grp", tabledata.OpIsNull), cond("name", tabledata.OpEndsWith, "3")}},
		}}, "score < 50 and (grp is null or name like '%3')"},
		{tabledata.Filter{Mode: "sql", SQL: "grp = 4 and name is not null"}, "grp = 4 and name is not null"},
	} {
		want := ids(t, c, "select id from app.pages where "+tc.where+" order by id")
		p, err := r.Page(testCtx(t), c, tabledata.PageRequest{Filter: tc.f, Limit: tabledata.MaxPageRows})
		if err != nil {
			t.Errorf("%s: %v", tc.where, err)
			continue
		}
		if got := firstCol(p.Rows); !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%s: %d rows, want %d", tc.where, len(got), len(want))
		}
		n, err := r.Count(testCtx(t), c, tc.f)
		if err != nil || n != int64(len(want)) {
			t.Errorf("%s: count %d (%v), want %d", tc.where, n, err, len(want))
		}
	}
}

// TestFilterValuesAreParameters: a value is never SQL, however it looks.
func TestFilterValuesAreParameters(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "pages")
	evil := "x' or '1'='1"
	for _, op := range []tabledata.Operator{tabledata.OpEqual, tabledata.OpContains, tabledata.OpIn} {
		p, err := r.Page(testCtx(t), c, tabledata.PageRequest{Filter: tabledata.Filter{Conditions: []tabledata.Condition{{Column: "name", Op: op, Values: []string{evil}}}}})
		if err != nil || len(p.Rows) != 0 {
			t.Errorf("%s %q: %d rows, %v", op, evil, len(p.Rows), err)
		}
	}
	sql, err := r.SelectSQL(tabledata.Filter{Conditions: []tabledata.Condition{{Column: "name", Op: tabledata.OpEqual, Values: []string{evil}}}}, nil, 10)
	if err != nil || !strings.Contains(sql, `name = 'x'' or ''1''=''1'`) {
		t.Errorf("review of the filter: %s, %v", sql, err)
	}
}
