package resultset_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/resultset"
)

// column returns the texts of column col of every row the set shows, in
// order ("<NULL>" for NULL).
func shownColumn(t *testing.T, set *resultset.Set, col int) []string {
	t.Helper()
	p, err := set.Page(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(p.Rows))
	for i, r := range p.Rows {
		out[i] = "<NULL>"
		if r[col] != nil {
			out[i] = *r[col]
		}
	}
	return out
}

func typedSet(t *testing.T, oid uint32, vals ...string) *resultset.Set {
	t.Helper()
	set := resultset.New([]resultset.Column{{Name: "v", TypeOID: oid}, {Name: "n", TypeOID: 23}}, resultset.Options{})
	t.Cleanup(func() { set.Close() })
	for i, v := range vals {
		raw := []byte(v)
		if v == "<NULL>" {
			raw = nil
		}
		if err := set.Append([][]byte{raw, []byte(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
	}
	set.Done(nil)
	return set
}

func TestSortByType(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		oid  uint32
		in   []string
		want string // ascending, "|"-joined
	}{
		{"int8 beyond float precision", 20, []string{"9007199254740993", "-5", "<NULL>", "9007199254740992", "10", "2"},
			"-5|2|10|9007199254740992|9007199254740993|<NULL>"},
		{"float8 with NaN and infinities", 701, []string{"NaN", "1.5", "-Infinity", "<NULL>", "Infinity", "-0.25", "1e300"},
			"-Infinity|-0.25|1.5|1e300|Infinity|NaN|<NULL>"},
		{"numeric beyond float precision", 1700, []string{"123456789012345678901234567890.2", "123456789012345678901234567890.10", "-1.5", "NaN", "10", "9.99"},
			"-1.5|9.99|10|123456789012345678901234567890.10|123456789012345678901234567890.2|NaN"},
		{"money", 790, []string{"$1,000.00", "$99.50", "-$5.00"}, "-$5.00|$99.50|$1,000.00"},
		{"bool", 16, []string{"t", "<NULL>", "f", "t"}, "f|t|t|<NULL>"},
		{"date with BC and infinity", 1082, []string{"2024-01-10", "infinity", "0044-03-15 BC", "1999-12-31", "-infinity", "10000-01-01"},
			"-infinity|0044-03-15 BC|1999-12-31|2024-01-10|10000-01-01|infinity"},
		{"timestamptz across offsets", 1184, []string{"2024-03-10 12:00:00+02", "2024-03-10 11:30:00+00", "2024-03-10 10:00:00.5+00", "2024-03-10 10:00:00+00"},
			"2024-03-10 12:00:00+02|2024-03-10 10:00:00+00|2024-03-10 10:00:00.5+00|2024-03-10 11:30:00+00"}, // the first two are the same instant
		{"time", 1083, []string{"23:59:59.999", "00:00:00", "12:30:00"}, "00:00:00|12:30:00|23:59:59.999"},
		{"interval", 1186, []string{"1 mon", "29 days", "1 year", "-1 days +23:00:00", "00:00:01", "1 day 02:00:00"},
			"-1 days +23:00:00|00:00:01|1 day 02:00:00|29 days|1 mon|1 year"},
		{"text ignores case", 25, []string{"banana", "Apple", "apple", "<NULL>", "Ärger", "cherry", "Banana", ""},
			"|Apple|apple|Banana|banana|cherry|Ärger|<NULL>"},
		{"a timestamp in another DateStyle sorts as text", 1114, []string{"Sun Mar 10 12:00:00 2024", "Fri Jan 05 12:00:00 2024"},
			"Fri Jan 05 12:00:00 2024|Sun Mar 10 12:00:00 2024"},
	} {
		set := typedSet(t, c.oid, c.in...)
		if _, err := set.SetView(ctx, resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 0}}}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(shownColumn(t, set, 0), "|"); got != c.want {
			t.Errorf("%s ascending:\n got %s\nwant %s", c.name, got, c.want)
		}
		if _, err := set.SetView(ctx, resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 0, Desc: true}}}); err != nil {
			t.Fatal(err)
		}
		got := shownColumn(t, set, 0)
		if len(got) > 0 && strings.Contains(c.want, "<NULL>") && got[len(got)-1] != "<NULL>" {
			t.Errorf("%s descending: NULLs must stay last: %v", c.name, got)
		}
	}
}

func TestSortSeveralColumnsKeepsTies(t *testing.T) {
	set := resultset.New([]resultset.Column{{Name: "g", TypeOID: 25}, {Name: "n", TypeOID: 23}, {Name: "id", TypeOID: 23}}, resultset.Options{})
	defer set.Close()
	for i, r := range [][2]string{{"b", "1"}, {"a", "2"}, {"b", "2"}, {"a", "2"}, {"a", "1"}, {"b", "1"}} {
		set.Append([][]byte{[]byte(r[0]), []byte(r[1]), []byte(fmt.Sprint(i))})
	}
	set.Done(nil)
	info, err := set.SetView(context.Background(), resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 0}, {Column: 1, Desc: true}}})
	if err != nil || info.Rows != 6 || info.Total != 6 {
		t.Fatalf("%+v %v", info, err)
	}
	if got := strings.Join(shownColumn(t, set, 2), ","); got != "1,3,4,2,0,5" {
		t.Errorf("order of ids %s; ties keep the server's order", got)
	}
}

func TestFilters(t *testing.T) {
	set := resultset.New([]resultset.Column{{Name: "name", TypeOID: 25}, {Name: "n", TypeOID: 1700}, {Name: "at", TypeOID: 1082}}, resultset.Options{})
	defer set.Close()
	for _, r := range []string{"Alpha|1.0|2024-01-01", "beta|2|2024-02-01", "GAMMA ray|10|<NULL>", "<NULL>|<NULL>|2023-12-31", "délta|2.50|2024-01-15"} {
		var raw [][]byte
		for _, v := range strings.Split(r, "|") {
			if v == "<NULL>" {
				raw = append(raw, nil)
			} else {
				raw = append(raw, []byte(v))
			}
		}
		set.Append(raw)
	}
	set.Done(nil)
	ctx := context.Background()
	for _, c := range []struct {
		spec resultset.ViewSpec
		want string
	}{
		{resultset.ViewSpec{Quick: "a"}, "Alpha|beta|GAMMA ray|délta"},
		{resultset.ViewSpec{Quick: "AMMA R"}, "GAMMA ray"},
		{resultset.ViewSpec{Quick: "DÉL"}, "délta"},
		{resultset.ViewSpec{Quick: "2024-02"}, "beta"},
		{resultset.ViewSpec{Quick: "null"}, ""},
		{resultset.ViewSpec{Quick: "1.0|"}, ""},
		{resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: 1, Op: resultset.Equals, Value: "1"}}}, "Alpha"},
		{resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: 1, Op: resultset.Greater, Value: "2"}}}, "GAMMA ray|délta"},
		{resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: 1, Op: resultset.LessOrEqual, Value: "2"}}}, "Alpha|beta"},
		{resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: 2, Op: resultset.Less, Value: "2024-01-15"}}}, "Alpha|<NULL>"},
		{resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: 2, Op: resultset.IsNull}}}, "GAMMA ray"},
		{resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: 0, Op: resultset.NotNull}, {Column: 0, Op: resultset.NotContains, Value: "A"}}}, ""},
		{resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: 0, Op: resultset.Contains, Value: "ta"}}, Sort: []resultset.SortKey{{Column: 0, Desc: true}}}, "délta|beta"},
		{resultset.ViewSpec{Filters: []resultset.ColumnFilter{{Column: 0, Op: resultset.NotEquals, Value: "beta"}}}, "Alpha|GAMMA ray|délta"},
	} {
		if _, err := set.SetView(ctx, c.spec); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(shownColumn(t, set, 0), "|"); got != c.want {
			t.Errorf("%+v: %q, want %q", c.spec, got, c.want)
		}
	}
	for _, bad := range []resultset.ViewSpec{
		{Sort: []resultset.SortKey{{Column: 3}}}, {Filters: []resultset.ColumnFilter{{Column: 0, Op: "like"}}}, {Columns: []int{-1}},
	} {
		if _, err := set.SetView(ctx, bad); err == nil {
			t.Errorf("%+v: want an error", bad)
		}
	}
}

// A view that only hides and moves columns (the grid's column layout)
// keeps every row in the server's order; exports write its columns, in its
// order, and pages still carry every column.
func TestColumnsOnlyViewKeepsRowsAndOrdersExports(t *testing.T) {
	set := resultset.New([]resultset.Column{{Name: "id", TypeOID: 23}, {Name: "t", TypeOID: 25}, {Name: "n", TypeOID: 23}}, resultset.Options{})
	defer set.Close()
	for i := range 3 {
		set.Append([][]byte{[]byte(fmt.Sprint(i)), []byte(fmt.Sprintf("r%d", i)), []byte(fmt.Sprint(10 * i))})
	}
	set.Done(nil)
	ctx := context.Background()
	info, err := set.SetView(ctx, resultset.ViewSpec{Columns: []int{2, 0}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := set.Page(0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if info.Rows != 3 || len(p.Rows) != 3 || len(p.Rows[0]) != 3 || *p.Rows[1][1] != "r1" {
		t.Fatalf("info %+v, page %+v", info, p)
	}
	var csv bytes.Buffer
	if err := set.ExportCSV(ctx, &csv, resultset.CSVOptions{Header: true}); err != nil {
		t.Fatal(err)
	}
	if got, want := csv.String(), "n,id\n0,0\n10,1\n20,2\n"; strings.ReplaceAll(got, "\r\n", "\n") != want {
		t.Errorf("CSV %q, want %q", got, want)
	}
}

func TestPagesValuesAndExportsFollowTheView(t *testing.T) {
	for _, budget := range []int64{0, 1} { // in memory, and almost all spilled
		set := resultset.New([]resultset.Column{{Name: "id", TypeOID: 23}, {Name: "t", TypeOID: 25}}, resultset.Options{MemoryBudget: budget, TempDir: t.TempDir()})
		defer set.Close()
		for i := range 5000 {
			set.Append([][]byte{[]byte(fmt.Sprint(i)), []byte(fmt.Sprintf("row %d %s", i, strings.Repeat("x", i%7)))})
		}
		set.Done(nil)
		ctx := context.Background()
		info, err := set.SetView(ctx, resultset.ViewSpec{Quick: "7", Sort: []resultset.SortKey{{Column: 0, Desc: true}}, Columns: []int{1}})
		if err != nil {
			t.Fatal(err)
		}
		p, err := set.Page(1, 3)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != info.Rows || info.Total != 5000 || p.Offset != 1 || len(p.Rows) != 3 || *p.Rows[0][0] != "4987" || len(p.RowNumbers) != 3 || p.RowNumbers[0] != 4987 || p.RowNumbers[2] != 4978 {
			t.Fatalf("budget %d: page %+v, info %+v", budget, p, info)
		}
		if v, err := set.Value(0, 1); err != nil || !strings.HasPrefix(*v, "row 4997") {
			t.Errorf("Value(0, 1) = %v, %v", v, err)
		}
		var csv bytes.Buffer
		if err := set.ExportCSV(ctx, &csv, resultset.CSVOptions{Header: true}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
		if int64(len(lines)) != info.Rows+1 || lines[0] != "t" || !strings.HasPrefix(lines[1], "row 4997") {
			t.Errorf("budget %d: CSV %d lines, %q %q", budget, len(lines), lines[0], lines[1])
		}
		var js bytes.Buffer
		if err := set.ExportJSON(ctx, &js); err != nil || !strings.HasPrefix(js.String(), "[\n{\"t\":\"row 4997") {
			t.Errorf("JSON %.40q %v", js.String(), err)
		}
		cleared := set.ClearView()
		if p, _ := set.Page(0, 1); cleared.Rows != 5000 || p.Total != 5000 || *p.Rows[0][0] != "0" || p.RowNumbers != nil {
			t.Errorf("after ClearView: %+v %+v", cleared, p)
		}
	}
}

func TestViewNeedsAFinishedSet(t *testing.T) {
	set := resultset.New(textCols("a"), resultset.Options{})
	defer set.Close()
	set.Append([][]byte{[]byte("x")})
	if _, err := set.SetView(context.Background(), resultset.ViewSpec{Quick: "x"}); !errors.Is(err, resultset.ErrRunning) {
		t.Fatalf("running: %v", err)
	}
	set.Done(nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := set.SetView(ctx, resultset.ViewSpec{Quick: "x"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	set.Close()
	if _, err := set.SetView(context.Background(), resultset.ViewSpec{}); !errors.Is(err, resultset.ErrClosed) {
		t.Errorf("closed: %v", err)
	}
}
