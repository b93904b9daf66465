package resultset_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/resultset"
)

// fillBytes appends rows of about rowBytes each until the set stores n bytes.
func fillBytes(t *testing.T, s *resultset.Set, n int64) {
	t.Helper()
	row := [][]byte{bytes.Repeat([]byte("x"), 1000)}
	for s.Stats().DataBytes < n {
		if err := s.Append(row); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBudgetIsSharedByAllResults: results opened one after another share
// one budget: the second spills because the first holds the memory, and
// releasing them gives it all back.
func TestBudgetIsSharedByAllResults(t *testing.T) {
	dir := t.TempDir()
	b := resultset.NewBudget(8 << 20)
	cols := []resultset.Column{{Name: "x"}}
	a := resultset.New(cols, resultset.Options{Budget: b, TempDir: dir})
	fillBytes(t, a, 6<<20)
	if st := a.Stats(); st.SpilledChunks != 0 {
		t.Fatalf("the first result spilled within the budget: %+v", st)
	}
	c := resultset.New(cols, resultset.Options{Budget: b, TempDir: dir})
	fillBytes(t, c, 6<<20)
	if st := c.Stats(); st.SpilledChunks == 0 {
		t.Fatalf("the second result did not spill although the first holds the budget: %+v (used %d)", st, b.Used())
	}
	if used := b.Used(); used > b.Limit()+2<<20 {
		t.Fatalf("budget used %d, limit %d", used, b.Limit())
	}
	a.Close()
	c.Close()
	if used := b.Used(); used != 0 {
		t.Fatalf("budget used %d after both results closed", used)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Fatalf("spill files left: %v", left)
	}
}

// TestSweepSpillFiles: spill files a crashed Tusk left are removed at
// startup; other files are not touched.
func TestSweepSpillFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"tusk-resultset-1.bin", "tusk-resultset-22.bin", "keep.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n, err := resultset.SweepSpillFiles(dir)
	if err != nil || n != 2 {
		t.Fatalf("swept %d, %v", n, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 1 || filepath.Base(left[0]) != "keep.txt" {
		t.Fatalf("left %v", left)
	}
}

// TestMemoryGoesBackToTheOS: after a large result is released, the memory
// is handed back to the operating system within ReturnDelay (resident set
// size measured from /proc).
func TestMemoryGoesBackToTheOS(t *testing.T) {
	rss := func() int64 {
		b, err := os.ReadFile("/proc/self/statm")
		if err != nil {
			t.Skip("no /proc/self/statm on this system")
		}
		f := strings.Fields(string(b))
		pages, _ := strconv.ParseInt(f[1], 10, 64)
		return pages * int64(os.Getpagesize())
	}
	b := resultset.NewBudget(256 << 20)
	s := resultset.New([]resultset.Column{{Name: "x"}}, resultset.Options{Budget: b, TempDir: t.TempDir()})
	fillBytes(t, s, 160<<20)
	runtime.GC()
	full := rss()
	s.Close()
	time.Sleep(resultset.ReturnDelay + 300*time.Millisecond)
	after := rss()
	t.Logf("resident set: %d MiB holding a 160 MiB result, %d MiB %v after releasing it", full>>20, after>>20, resultset.ReturnDelay)
	if full-after < 100<<20 {
		t.Fatalf("only %d MiB went back to the OS", (full-after)>>20)
	}
}
