package resultset_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/tusk-app/tusk/backend/resultset"
)

// The tests below hold the view's semantics against plain reference
// implementations on random data big enough for several chunks, several
// parts per core and the radix sort's deeper levels, in memory and
// spilled.

// propRunes are what random text is made of: ASCII letters of both cases,
// digits, letters whose lower case is ASCII (Kelvin sign, dotted capital
// I), others whose lower case differs in length, and some that fold to
// nothing but themselves.
var propRunes = []rune("aAbBkK1 -xyzXYZÄäßİıKΣσςẞ€日😀")

func randText(r *rand.Rand, maxLen int) string {
	n := r.IntN(maxLen + 1)
	var b strings.Builder
	for range n {
		if r.IntN(4) == 0 {
			b.WriteRune(propRunes[r.IntN(len(propRunes))])
		} else {
			b.WriteByte("aAbB1xy"[r.IntN(7)])
		}
	}
	return b.String()
}

// propSet returns a set of rows × cols text cells (nil = NULL), NULL one
// time in ten, with cell lengths that make some length prefixes equal to
// letters (a length of 96 is stored as 'a').
func propSet(t *testing.T, r *rand.Rand, rows, cols int, budget int64, gen func(r *rand.Rand) string) (*resultset.Set, [][]*string) {
	t.Helper()
	columns := make([]resultset.Column, cols)
	for i := range columns {
		columns[i] = resultset.Column{Name: fmt.Sprint("c", i), TypeOID: 25}
	}
	set := resultset.New(columns, resultset.Options{MemoryBudget: budget, TempDir: t.TempDir()})
	t.Cleanup(func() { set.Close() })
	data := make([][]*string, rows)
	raw := make([][]byte, cols)
	for i := range data {
		data[i] = make([]*string, cols)
		for c := range cols {
			raw[c] = nil
			if r.IntN(10) == 0 {
				continue
			}
			v := gen(r)
			data[i][c] = &v
			raw[c] = []byte(v)
		}
		if err := set.Append(raw); err != nil {
			t.Fatal(err)
		}
	}
	set.Done(nil)
	return set, data
}

// shownRows returns the set's row numbers in the order the view shows them.
func shownRows(t *testing.T, set *resultset.Set) []int64 {
	t.Helper()
	p, err := set.Page(0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if p.RowNumbers == nil { // no view: every row in order
		p.RowNumbers = make([]int64, len(p.Rows))
		for i := range p.RowNumbers {
			p.RowNumbers[i] = int64(i)
		}
	}
	return p.RowNumbers
}

// refQuick is the quick filter's meaning: some non-NULL cell contains the
// text once both are lowered. When the lowered text is ASCII, only ASCII
// letters of the cell are lowered (a Kelvin sign is not a k). lowered
// holds each cell lowered both ways.
func refQuick(lowered []loweredCell, text string) bool {
	needle := strings.ToLower(text)
	ascii := true
	for i := range len(needle) {
		ascii = ascii && needle[i] < 0x80
	}
	for _, c := range lowered {
		hay := c.unicode
		if ascii {
			hay = c.ascii
		}
		if c.ok && strings.Contains(hay, needle) {
			return true
		}
	}
	return false
}

type loweredCell struct {
	ok             bool // not NULL
	ascii, unicode string
}

func lowerCells(row []*string) []loweredCell {
	out := make([]loweredCell, len(row))
	for i, c := range row {
		if c == nil {
			continue
		}
		out[i] = loweredCell{ok: true, unicode: strings.ToLower(*c), ascii: strings.Map(func(r rune) rune {
			if 'A' <= r && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}, *c)}
	}
	return out
}

// refCompareText is the text order: rune by rune lowered (Unicode simple
// lower case), shorter first, then the bytes.
func refCompareText(a, b string) int {
	lower := func(s string) []rune {
		rs := []rune(s)
		for i, r := range rs {
			rs[i] = unicode.ToLower(r)
		}
		return rs
	}
	if c := slices.Compare(lower(a), lower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// refSort returns rows (numbers into data) stably sorted by keys, NULLs
// last in either direction; compare orders two non-NULL cells of a column.
func refSort(data [][]*string, rows []int64, keys []resultset.SortKey, compare func(col int, a, b string) int) []int64 {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(x, y int64) int {
		for _, k := range keys {
			a, b := data[x][k.Column], data[y][k.Column]
			var c int
			switch {
			case a == nil && b == nil:
			case a == nil:
				return 1
			case b == nil:
				return -1
			default:
				c = compare(k.Column, *a, *b)
				if k.Desc {
					c = -c
				}
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

func allRows(n int) []int64 {
	rows := make([]int64, n)
	for i := range rows {
		rows[i] = int64(i)
	}
	return rows
}

func TestQuickFilterMatchesReference(t *testing.T) {
	ctx := context.Background()
	for _, budget := range []int64{0, 64 << 10} { // in memory; spilled in 16 KiB chunks
		r := rand.New(rand.NewPCG(1, uint64(budget)))
		set, data := propSet(t, r, 12000, 4, budget, func(r *rand.Rand) string {
			v := randText(r, 12)
			switch r.IntN(40) {
			case 0:
				v = randText(r, 130) // long enough for length prefixes that read as letters
			case 1: // a rare word in any case: the search by a rare byte
				i := r.IntN(len(v) + 1)
				v = v[:i] + []string{"zq", "ZQ", "Zq", "zQ"}[r.IntN(4)] + v[i:]
			}
			return v
		})
		needles := []string{"a", "A", "1", "xy", "AB1", "K", "k", "ä", "Ä", "İ", "ß", "σ", "ς", "😀", "b b", "zzzz", "zq", "ZQ", "qZ", "Q"}
		for range 24 { // pieces of random cells, in random case
			row := data[r.IntN(len(data))]
			c := row[r.IntN(len(row))]
			if c == nil || *c == "" {
				continue
			}
			rs := []rune(*c)
			i := r.IntN(len(rs))
			piece := string(rs[i:min(len(rs), i+1+r.IntN(4))])
			if r.IntN(2) == 0 {
				piece = strings.ToUpper(piece)
			}
			needles = append(needles, piece)
		}
		lowered := make([][]loweredCell, len(data))
		for i, row := range data {
			lowered[i] = lowerCells(row)
		}
		for ni, needle := range needles {
			var want []int64
			for i, row := range lowered {
				if refQuick(row, needle) {
					want = append(want, int64(i))
				}
			}
			specs := []resultset.ViewSpec{{Quick: needle}}
			if ni%4 == 0 { // the quick filter's rows, then sorted
				specs = append(specs, resultset.ViewSpec{Quick: needle, Sort: []resultset.SortKey{{Column: 1, Desc: true}}})
			}
			for _, spec := range specs {
				info, err := set.SetView(ctx, spec)
				if err != nil {
					t.Fatal(err)
				}
				wantOrder := want
				if spec.Sort != nil {
					wantOrder = refSort(data, want, spec.Sort, func(_ int, a, b string) int { return refCompareText(a, b) })
				}
				got := shownRows(t, set)
				if info.Rows != int64(len(wantOrder)) || !slices.Equal(got, wantOrder) {
					t.Fatalf("budget %d, %+v: %d rows, want %d (first difference at %d)", budget, spec, len(got), len(wantOrder), firstDiff(got, wantOrder))
				}
			}
		}
	}
}

// TestQuickFilterMatchesInsideOneCell checks a needle that the stored
// bytes hold across two cells: "xy", then the length prefix of a 96-byte
// cell (stored as 'a'), then that cell's "b…".
func TestQuickFilterMatchesInsideOneCell(t *testing.T) {
	set := resultset.New(textCols("a", "b"), resultset.Options{})
	defer set.Close()
	long := "b" + strings.Repeat("-", 95)
	for _, r := range [][2]string{{"xy", long}, {"--", "xyab"}, {"XY", long}, {"-XYaB-", "-"}} {
		if err := set.Append([][]byte{[]byte(r[0]), []byte(r[1])}); err != nil {
			t.Fatal(err)
		}
	}
	set.Done(nil)
	for _, needle := range []string{"xyab", "XYAB"} {
		if _, err := set.SetView(context.Background(), resultset.ViewSpec{Quick: needle}); err != nil {
			t.Fatal(err)
		}
		if got := shownRows(t, set); !slices.Equal(got, []int64{1, 3}) {
			t.Errorf("%q: rows %v, want [1 3]", needle, got)
		}
	}
}

func TestTextSortMatchesReference(t *testing.T) {
	ctx := context.Background()
	mixed := func(r *rand.Rand) string {
		if r.IntN(3) == 0 {
			return randText(r, 20) // long keys: the radix sort's deeper digits
		}
		return randText(r, 3) // short: many ties, and case-only differences
	}
	prefixed := func(r *rand.Rand) string { // a prefix the sort skips, in any case
		return []string{"row ", "Row ", "ROW "}[r.IntN(3)] + randText(r, 6)
	}
	same := func(*rand.Rand) string { return "same" } // every key equal
	for _, c := range []struct {
		rows   int
		budget int64
		gen    func(*rand.Rand) string
	}{{20000, 0, mixed}, {20000, 64 << 10, mixed}, {300, 0, mixed}, {20000, 0, prefixed}, {5000, 0, same}} {
		r := rand.New(rand.NewPCG(2, uint64(c.rows)))
		set, data := propSet(t, r, c.rows, 3, c.budget, c.gen)
		for _, keys := range [][]resultset.SortKey{
			{{Column: 0}},
			{{Column: 0, Desc: true}},
			{{Column: 0}, {Column: 1, Desc: true}},
			{{Column: 2, Desc: true}, {Column: 0}},
		} {
			if _, err := set.SetView(ctx, resultset.ViewSpec{Sort: keys}); err != nil {
				t.Fatal(err)
			}
			want := refSort(data, allRows(c.rows), keys, func(_ int, a, b string) int { return refCompareText(a, b) })
			if got := shownRows(t, set); !slices.Equal(got, want) {
				i := firstDiff(got, want)
				t.Fatalf("%d rows, budget %d, %+v: first difference at %d: row %d %v, want row %d %v",
					c.rows, c.budget, keys, i, got[i], show(data[got[i]]), want[i], show(data[want[i]]))
			}
		}
	}
}

// TestSortOfManyRowsByType sorts typed columns big enough to be read in
// several parts: integers with NULLs and ties, and a timestamp column
// whose one value in another DateStyle, near the end, makes the whole
// column sort as text.
func TestSortOfManyRowsByType(t *testing.T) {
	const rows = 20000
	r := rand.New(rand.NewPCG(3, 4))
	set := resultset.New([]resultset.Column{{Name: "n", TypeOID: 20}, {Name: "ts", TypeOID: 1114}}, resultset.Options{})
	defer set.Close()
	data := make([][]*string, rows)
	for i := range data {
		var n, ts *string
		if r.IntN(10) != 0 {
			v := strconv.Itoa(r.IntN(2000) - 1000)
			n = &v
		}
		v := fmt.Sprintf("2024-%02d-%02d %02d:00:00", 1+r.IntN(12), 1+r.IntN(28), r.IntN(24))
		if i == rows-3 {
			v = "Sun Mar 10 12:00:00 2024"
		}
		ts = &v
		data[i] = []*string{n, ts}
		raw := [][]byte{nil, []byte(*ts)}
		if n != nil {
			raw[0] = []byte(*n)
		}
		if err := set.Append(raw); err != nil {
			t.Fatal(err)
		}
	}
	set.Done(nil)
	compare := func(col int, a, b string) int {
		if col == 0 {
			x, _ := strconv.Atoi(a)
			y, _ := strconv.Atoi(b)
			return cmp.Compare(x, y)
		}
		return refCompareText(a, b)
	}
	for _, keys := range [][]resultset.SortKey{{{Column: 0}}, {{Column: 0, Desc: true}}, {{Column: 1}}, {{Column: 1, Desc: true}, {Column: 0}}} {
		if _, err := set.SetView(context.Background(), resultset.ViewSpec{Sort: keys}); err != nil {
			t.Fatal(err)
		}
		want := refSort(data, allRows(rows), keys, compare)
		if got := shownRows(t, set); !slices.Equal(got, want) {
			t.Fatalf("%+v: first difference at %d", keys, firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []int64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func show(row []*string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = "<NULL>"
		if c != nil {
			out[i] = strconv.Quote(*c)
		}
	}
	return out
}
