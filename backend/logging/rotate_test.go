package logging_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/logging"
)

// clock is an injectable Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// backups lists the rotated files in dir, sorted.
func backups(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != logging.FileName {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

func TestDailyRotationAtMidnight(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2025, 3, 1, 10, 0, 0, 0, time.Local)}
	l, _ := open(t, logging.Config{Dir: dir, Now: clk.Now})
	log := l.Logger()

	log.Info("morning of day one")
	l.Flush()
	clk.Set(time.Date(2025, 3, 1, 23, 59, 59, 0, time.Local))
	log.Info("before midnight")
	l.Flush()
	if b := backups(t, dir); len(b) != 0 {
		t.Fatalf("rotated within one day: %v", b)
	}

	clk.Set(time.Date(2025, 3, 2, 0, 0, 1, 0, time.Local))
	log.Info("after midnight")
	l.Flush()

	b := backups(t, dir)
	if len(b) != 1 || !strings.HasPrefix(b[0], "tusk-") || !strings.HasSuffix(b[0], ".log") {
		t.Fatalf("backups after midnight = %v, want one tusk-<time>.log", b)
	}
	old := readFile(t, filepath.Join(dir, b[0]))
	cur := readFile(t, filepath.Join(dir, logging.FileName))
	if !strings.Contains(old, "morning of day one") || !strings.Contains(old, "before midnight") || strings.Contains(old, "after midnight") {
		t.Errorf("backup should hold day one only:\n%s", old)
	}
	if !strings.Contains(cur, "after midnight") || strings.Contains(cur, "before midnight") || strings.Contains(cur, "day one") {
		t.Errorf("tusk.log should hold day two only:\n%s", cur)
	}

	// More lines on day two stay in the same file.
	clk.Set(time.Date(2025, 3, 2, 18, 0, 0, 0, time.Local))
	log.Info("evening of day two")
	l.Flush()
	if got := backups(t, dir); len(got) != 1 {
		t.Errorf("backups = %v, want still one", got)
	}
}

// A log left over from an earlier day rotates on the first write after a
// restart, even though Tusk was not running at midnight.
func TestDailyRotationAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, logging.FileName)
	if err := os.WriteFile(path, []byte("time=x level=info msg=\"yesterday\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yesterday := time.Date(2025, 3, 1, 22, 0, 0, 0, time.Local)
	if err := os.Chtimes(path, yesterday, yesterday); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2025, 3, 2, 9, 0, 0, 0, time.Local)}
	l, _ := open(t, logging.Config{Dir: dir, Now: clk.Now})
	l.Logger().Info("today")
	l.Flush()

	b := backups(t, dir)
	if len(b) != 1 {
		t.Fatalf("backups = %v, want one", b)
	}
	if old := readFile(t, filepath.Join(dir, b[0])); !strings.Contains(old, "yesterday") || strings.Contains(old, "today") {
		t.Errorf("backup = %q, want yesterday's line only", old)
	}
	if cur := readFile(t, path); !strings.Contains(cur, "today") || strings.Contains(cur, "yesterday") {
		t.Errorf("tusk.log = %q, want today's line only", cur)
	}
}

// The same restart on the same day appends to the existing file.
func TestSameDayRestartAppends(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, logging.FileName)
	if err := os.WriteFile(path, []byte("time=x level=info msg=\"earlier\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	morning := time.Date(2025, 3, 2, 8, 0, 0, 0, time.Local)
	if err := os.Chtimes(path, morning, morning); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: morning.Add(2 * time.Hour)}
	l, _ := open(t, logging.Config{Dir: dir, Now: clk.Now})
	l.Logger().Info("later")
	l.Flush()
	if b := backups(t, dir); len(b) != 0 {
		t.Fatalf("backups = %v, want none", b)
	}
	if cur := readFile(t, path); !strings.Contains(cur, "earlier") || !strings.Contains(cur, "later") {
		t.Errorf("tusk.log = %q, want both lines", cur)
	}
}

// Size rotation and retention are lumberjack's; this checks they are wired:
// MaxSizeMB rotates, MaxBackups prunes (asynchronously, hence the polling).
func TestSizeRotationAndRetention(t *testing.T) {
	dir := t.TempDir()
	l, _ := open(t, logging.Config{Dir: dir, MaxSizeMB: 1, MaxBackups: 2, BufferLines: 1 << 14})
	payload := strings.Repeat("x", 1000)
	for i := range 4000 { // about 4 MB: three or four size rotations
		l.Logger().WithField("i", i).Info(payload)
		if i%500 == 0 {
			l.Flush() // keep the queue from overflowing on a slow disk
		}
	}
	l.Flush()
	if l.Dropped() != 0 {
		t.Fatalf("Dropped() = %d", l.Dropped())
	}
	info, err := os.Stat(filepath.Join(dir, logging.FileName))
	if err != nil || info.Size() > 1<<20 {
		t.Fatalf("tusk.log: %v, size %d; want at most 1 MB", err, info.Size())
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b := backups(t, dir)
		if len(b) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backups = %v, want exactly 2 (MaxBackups)", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
