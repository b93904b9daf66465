package resultset_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/tusk-app/tusk/backend/resultset"
)

// TestSortMatchesTheServer sorts each typed column of a real result and
// compares with the server's ORDER BY … NULLS LAST (text: ASCII letters
// ignoring case, then by bytes, which is lower(t) COLLATE "C", t COLLATE "C").
func TestSortMatchesTheServer(t *testing.T) {
	conn := connect(t)
	ctx := context.Background()
	setup := []string{
		"set timezone = 'Europe/Berlin'", // offsets +01 and +02 in one column
		`create temp table typed as
		select g as id,
			case when g % 17 = 0 then null else (g * 7919 % 2003 - 1000) * 4503599627370 end::int8 as i8,
			case when g % 19 = 0 then 'NaN'::float8 when g % 23 = 0 then '-Infinity' when g % 13 = 0 then null else (g * 31 % 97) / 7.0 end::float8 as f8,
			case when g % 11 = 0 then null else ('123456789012345678901234567890.' || (g * 37 % 101))::numeric * (g % 3 - 1) end as num,
			case when g % 5 = 0 then null else g % 2 = 0 end as b,
			case when g % 29 = 0 then null else date '2000-01-01' + (g * 7919 % 40000 - 20000) end as d,
			timestamptz '2024-01-01 00:00:00+00' + (g * 7919 % 5000) * interval '37 hours 13 minutes 0.5 seconds' as tstz,
			timestamp '1990-06-01' + (g * 104729 % 9000) * interval '1 day 3 hours' as ts,
			time '00:00' + (g * 7919 % 86400) * interval '1 second' as tm,
			make_interval(months => g % 5 - 2, days => g * 7 % 61 - 30, secs => g * 7919 % 100000 - 50000) as iv,
			case when g % 31 = 0 then null else substr('AbCdEfGhIjKlMnOpQrStUvWxYz', 1 + g % 20, 1 + g % 5) || (g % 3) end as t
		from generate_series(1, 3000) g`,
	}
	for _, s := range setup {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	set := load(t, conn, resultset.Options{}, "select * from typed order by id")
	for col, order := range map[int]string{
		1: "i8", 2: "f8", 3: "num", 4: "b", 5: "d", 6: "tstz", 7: "ts", 8: "tm", 9: "iv",
		10: `lower(t) collate "C", t collate "C"`,
	} {
		for _, desc := range []bool{false, true} {
			dir := ""
			if desc {
				dir = " desc"
			}
			if _, err := set.SetView(ctx, resultset.ViewSpec{Sort: []resultset.SortKey{{Column: col, Desc: desc}}}); err != nil {
				t.Fatal(err)
			}
			got := shownColumn(t, set, 0)
			sql := fmt.Sprintf("select id from typed order by %s nulls last, id", addDir(order, dir))
			rows, err := conn.Query(ctx, sql)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for rows.Next() {
				var id int
				rows.Scan(&id)
				want = append(want, fmt.Sprint(id))
			}
			if rows.Err() != nil {
				t.Fatal(rows.Err())
			}
			if !sameOrder(t, set, col, got, want) {
				t.Errorf("column %d%s: the order differs from %s", col, dir, sql)
			}
		}
	}
}

// addDir puts dir after each comma-separated sort expression.
func addDir(order, dir string) string {
	if order == `lower(t) collate "C", t collate "C"` {
		return `lower(t) collate "C"` + dir + ` nulls last, t collate "C"` + dir
	}
	return order + dir
}

// sameOrder compares two id orders; ties in the sorted column may come in
// either order, so rows are compared by their sort value.
func sameOrder(t *testing.T, set *resultset.Set, col int, got, want []string) bool {
	t.Helper()
	if len(got) != len(want) {
		return false
	}
	if slices.Equal(got, want) {
		return true
	}
	set.ClearView()
	value := map[string]string{}
	ids, vals := shownColumn(t, set, 0), shownColumn(t, set, col)
	for i := range ids {
		value[ids[i]] = vals[i]
	}
	for i := range got {
		if value[got[i]] != value[want[i]] {
			t.Logf("position %d: id %s (%s), server id %s (%s)", i, got[i], value[got[i]], want[i], value[want[i]])
			return false
		}
	}
	return true
}
