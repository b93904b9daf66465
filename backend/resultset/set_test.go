package resultset_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tusk-app/tusk/backend/resultset"
)

func textCols(names ...string) []resultset.Column {
	cols := make([]resultset.Column, len(names))
	for i, n := range names {
		cols[i] = resultset.Column{Name: n, TypeOID: 25, TypeName: "text"}
	}
	return cols
}

func str(s string) *string { return &s }

func cellText(c *string) string {
	if c == nil {
		return "<NULL>"
	}
	return strconv.Quote(*c)
}

func TestAppendPageRoundTrip(t *testing.T) {
	set := resultset.New(textCols("a", "b", "c"), resultset.Options{})
	defer set.Close()
	rows := [][][]byte{
		{nil, []byte{}, []byte("NULL")},
		{[]byte("x"), nil, []byte("")},
		{[]byte("ünï\ncode"), []byte(strings.Repeat("y", 300)), []byte(`\x00ff`)},
	}
	for _, r := range rows {
		if err := set.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	// The caller may reuse its buffers: the set copies.
	rows[2][0][0] = 'Z'
	if got := set.Len(); got != 3 {
		t.Fatalf("Len = %d, want 3", got)
	}
	if set.IsDone() {
		t.Fatal("IsDone before Done")
	}
	queryErr := errors.New("boom")
	set.Done(queryErr)
	if !set.IsDone() || !errors.Is(set.Err(), queryErr) {
		t.Fatalf("IsDone=%v Err=%v", set.IsDone(), set.Err())
	}

	p, err := set.Page(0, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]*string{
		{nil, str(""), str("NULL")},
		{str("x"), nil, str("")},
		{str("ünï\ncode"), str(strings.Repeat("y", 300)), str(`\x00ff`)},
	}
	if p.Total != 3 || !p.Done || p.Offset != 0 || len(p.Rows) != 3 || len(p.Truncated) != 0 {
		t.Fatalf("page = %+v", p)
	}
	for i := range want {
		for j := range want[i] {
			if g, w := cellText(p.Rows[i][j]), cellText(want[i][j]); g != w {
				t.Errorf("row %d col %d = %s, want %s", i, j, g, w)
			}
		}
	}

	p, err = set.Page(1, 1)
	if err != nil || len(p.Rows) != 1 || cellText(p.Rows[0][0]) != `"x"` {
		t.Fatalf("Page(1,1) = %+v, %v", p, err)
	}
	p, err = set.Page(5, 10)
	if err != nil || len(p.Rows) != 0 || p.Total != 3 {
		t.Fatalf("Page past end = %+v, %v", p, err)
	}
	if _, err := set.Page(-1, 10); err == nil {
		t.Fatal("negative offset accepted")
	}
	if err := set.Append([][]byte{nil}); err == nil {
		t.Fatal("row with wrong width accepted")
	}
	v, err := set.Value(2, 1)
	if err != nil || v == nil || *v != strings.Repeat("y", 300) {
		t.Fatalf("Value = %v, %v", v, err)
	}
	if v, err := set.Value(0, 0); err != nil || v != nil {
		t.Fatalf("Value of NULL = %v, %v", v, err)
	}
	if _, err := set.Value(3, 0); err == nil {
		t.Fatal("Value past end accepted")
	}
}

func TestPageJSON(t *testing.T) {
	set := resultset.New(textCols("a", "b"), resultset.Options{})
	defer set.Close()
	if err := set.Append([][]byte{nil, []byte("NULL")}); err != nil {
		t.Fatal(err)
	}
	p, err := set.Page(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"offset":0,"rows":[[null,"NULL"]],"total":1,"done":false}`; string(b) != want {
		t.Fatalf("json = %s\nwant   %s", b, want)
	}
}

func TestTruncation(t *testing.T) {
	set := resultset.New(textCols("a", "b"), resultset.Options{})
	defer set.Close()
	long := strings.Repeat("é", 100) // 200 bytes, 2-byte runes
	if err := set.Append([][]byte{[]byte(long), []byte("short")}); err != nil {
		t.Fatal(err)
	}
	p, err := set.PageWith(0, 1, resultset.PageOptions{MaxCellBytes: 11})
	if err != nil {
		t.Fatal(err)
	}
	if got := *p.Rows[0][0]; got != strings.Repeat("é", 5) {
		t.Errorf("truncated cell = %q (must not split a rune)", got)
	}
	if *p.Rows[0][1] != "short" {
		t.Errorf("short cell = %q", *p.Rows[0][1])
	}
	if len(p.Truncated) != 1 || p.Truncated[0] != (resultset.Truncation{Row: 0, Col: 0, Bytes: 200}) {
		t.Errorf("Truncated = %+v", p.Truncated)
	}
	p, err = set.PageWith(0, 1, resultset.PageOptions{MaxCellBytes: -1})
	if err != nil || *p.Rows[0][0] != long || len(p.Truncated) != 0 {
		t.Fatalf("uncapped page = %+v, %v", p, err)
	}
	// The default cap keeps a huge value away from the UI.
	set2 := resultset.New(textCols("j"), resultset.Options{})
	defer set2.Close()
	huge := strings.Repeat("x", 5<<20)
	if err := set2.Append([][]byte{[]byte(huge)}); err != nil {
		t.Fatal(err)
	}
	p, err = set2.Page(0, 1)
	if err != nil || len(*p.Rows[0][0]) != resultset.DefaultMaxCellBytes || p.Truncated[0].Bytes != len(huge) {
		t.Fatalf("default cap: len %d, %+v, %v", len(*p.Rows[0][0]), p.Truncated, err)
	}
	if v, err := set2.Value(0, 0); err != nil || *v != huge {
		t.Fatalf("Value of huge cell: %v", err)
	}
}

// rowValues is the deterministic content of row i in the tests.
func rowValues(i int) [][]byte {
	var c *string
	if i%7 == 0 {
		c = nil
	} else {
		c = str(strings.Repeat("v", i%50))
	}
	r := [][]byte{[]byte(strconv.Itoa(i)), []byte(fmt.Sprintf("name-%d", i*31)), nil}
	if c != nil {
		r[2] = []byte(*c)
	}
	return r
}

func checkRow(t *testing.T, n int64, row []*string) {
	t.Helper()
	want := rowValues(int(n))
	for j, w := range want {
		g := row[j]
		if (g == nil) != (w == nil) || (g != nil && *g != string(w)) {
			t.Fatalf("row %d col %d = %s, want %q", n, j, cellText(g), w)
		}
	}
}

func TestConcurrentReaders(t *testing.T) {
	set := resultset.New(textCols("id", "name", "pad"), resultset.Options{MemoryBudget: 64 << 10})
	defer set.Close()
	const total = 50_000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range total {
			if err := set.Append(rowValues(i)); err != nil {
				t.Error(err)
				return
			}
		}
		set.Done(nil)
	}()
	for r := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last int64
			for k := 0; ; k++ {
				done := set.IsDone()
				n := set.Len()
				if n < last {
					t.Errorf("Len went back from %d to %d", last, n)
					return
				}
				last = n
				// Read the tail the writer is filling and a random earlier page.
				off := max(n-100, 0)
				if k%2 == 1 {
					off = int64(k*7919+r) % max(n, 1)
				}
				p, err := set.Page(off, 100)
				if err != nil {
					t.Error(err)
					return
				}
				if p.Total < n || int64(len(p.Rows)) != min(100, p.Total-off) {
					t.Errorf("page at %d: %d rows of %d (Len %d)", off, len(p.Rows), p.Total, n)
					return
				}
				for i, row := range p.Rows {
					checkRow(t, off+int64(i), row)
				}
				if done {
					if n != total {
						t.Errorf("done with %d rows", n)
					}
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestSpill(t *testing.T) {
	dir := t.TempDir()
	const budget = 64 << 10
	set := resultset.New(textCols("id", "name", "pad"), resultset.Options{MemoryBudget: budget, TempDir: dir})
	const total = 200_000

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peakMem int64
	for i := range total {
		if err := set.Append(rowValues(i)); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 0 {
			peakMem = max(peakMem, set.Stats().MemoryBytes)
		}
	}
	set.Done(nil)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	st := set.Stats()
	t.Logf("stats: %+v, peak accounted memory %d B, heap in use %d → %d", st, peakMem, before.HeapInuse, after.HeapInuse)
	if st.Rows != total || st.SpilledChunks == 0 || st.SpilledChunks == st.Chunks || st.FileBytes == 0 {
		t.Fatalf("expected RAM and file chunks: %+v", st)
	}
	if st.DataBytes < 20*total {
		t.Fatalf("DataBytes %d implausibly small", st.DataBytes)
	}
	// Data in RAM stays within the budget; the index adds ~0.25 B/row plus bookkeeping per chunk.
	if limit := int64(budget) + total/2 + int64(st.Chunks)*128; peakMem > limit {
		t.Fatalf("accounted memory %d > %d", peakMem, limit)
	}
	if grow := int64(after.HeapInuse) - int64(before.HeapInuse); grow > 4<<20 {
		t.Fatalf("heap grew by %d B for %d B of data", grow, st.DataBytes)
	}
	if _, err := os.Stat(st.TempFile); err != nil {
		t.Fatalf("spill file: %v", err)
	}

	// Pages from the RAM region, across the boundary, from the file region
	// and the last partial page.
	for _, off := range []int64{0, 1, 777, total / 2, total - 1000, total - 10} {
		p, err := set.Page(off, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(1000, total-off); int64(len(p.Rows)) != want {
			t.Fatalf("page at %d has %d rows, want %d", off, len(p.Rows), want)
		}
		for i, row := range p.Rows {
			checkRow(t, off+int64(i), row)
		}
	}
	// Every row, page by page, including the boundary between RAM and file.
	for off := int64(0); off < total; off += 4999 {
		p, err := set.Page(off, 4999)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range p.Rows {
			checkRow(t, off+int64(i), row)
		}
	}

	if err := set.Close(); err != nil {
		t.Fatal(err)
	}
	if err := set.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := os.Stat(st.TempFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("spill file after Close: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("temp dir not empty: %v", ents)
	}
	if _, err := set.Page(0, 1); !errors.Is(err, resultset.ErrClosed) {
		t.Fatalf("Page after Close: %v", err)
	}
	if err := set.Append(rowValues(0)); !errors.Is(err, resultset.ErrClosed) {
		t.Fatalf("Append after Close: %v", err)
	}
}

func TestRowLargerThanChunk(t *testing.T) {
	set := resultset.New(textCols("id", "name", "pad"), resultset.Options{MemoryBudget: 64 << 10, TempDir: t.TempDir()})
	defer set.Close()
	big := strings.Repeat("b", 3<<20)
	for i := range 10 {
		r := rowValues(i)
		if i%3 == 1 {
			r[2] = []byte(big)
		}
		if err := set.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	for i := range int64(10) {
		v, err := set.Value(i, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := rowValues(int(i))[2]
		if i%3 == 1 {
			want = []byte(big)
		}
		if (v == nil) != (want == nil) || (v != nil && *v != string(want)) {
			t.Fatalf("row %d differs", i)
		}
	}
	if st := set.Stats(); st.SpilledChunks == 0 {
		t.Fatalf("big rows did not spill: %+v", st)
	}
}

func TestCloseWhileRunning(t *testing.T) {
	dir := t.TempDir()
	set := resultset.New(textCols("id", "name", "pad"), resultset.Options{MemoryBudget: 64 << 10, TempDir: dir})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if err := set.Append(rowValues(i)); err != nil {
				if !errors.Is(err, resultset.ErrClosed) {
					t.Errorf("Append: %v", err)
				}
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for {
			n := set.Len()
			p, err := set.Page(max(n-50, 0), 50)
			if err != nil {
				if !errors.Is(err, resultset.ErrClosed) {
					t.Errorf("Page: %v", err)
				}
				return
			}
			for i, row := range p.Rows {
				checkRow(t, p.Offset+int64(i), row)
			}
		}
	}()
	for set.Stats().SpilledChunks < 3 {
		runtime.Gosched()
	}
	if err := set.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("temp dir not empty after Close: %v", ents)
	}
}
