package logging_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/logging"
)

// syncBuffer is a console that tests can read while others write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// open builds a Logging in a fresh directory with an explicit level, so
// TUSK_LOG in the test environment cannot interfere, and closes it at the end.
func open(t *testing.T, cfg logging.Config) (*logging.Logging, *syncBuffer) {
	t.Helper()
	console := &syncBuffer{}
	if cfg.Console == nil {
		cfg.Console = console
	}
	if cfg.Dir == "" {
		cfg.Dir = filepath.Join(t.TempDir(), "logs")
	}
	if cfg.Level == 0 {
		cfg.Level = logrus.DebugLevel
	}
	l := logging.New(cfg)
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l, console
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNewLogsToConsoleAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "logs") // New creates missing parents
	l, console := open(t, logging.Config{Dir: dir})
	if got, want := l.Path(), filepath.Join(dir, logging.FileName); got != want {
		t.Fatalf("Path() = %q, want %q", got, want)
	}
	if w := l.Warning(); w != "" {
		t.Fatalf("Warning() = %q, want none", w)
	}

	l.Logger().WithField("conn", "local").Info("pool opened")
	l.Logger().Debug("debug line")
	l.Logger().Trace("trace line") // below DebugLevel: dropped everywhere

	// The console is synchronous: the line is there when Info returns.
	for _, want := range []string{"pool opened", "conn=local", "debug line"} {
		if !strings.Contains(console.String(), want) {
			t.Errorf("console lacks %q:\n%s", want, console)
		}
	}
	l.Flush()
	file := readFile(t, l.Path())
	for _, want := range []string{`msg="pool opened"`, "conn=local", "level=info", `msg="debug line"`} {
		if !strings.Contains(file, want) {
			t.Errorf("file lacks %q:\n%s", want, file)
		}
	}
	if strings.Contains(console.String()+file, "trace line") {
		t.Errorf("trace line logged at debug level")
	}
	// Full timestamps with zone in the file, no colour escapes.
	if !regexp.MustCompile(`(?m)^time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)" level=info msg="pool opened"`).MatchString(file) {
		t.Errorf("file line not in the expected format:\n%s", file)
	}
	if strings.Contains(console.String()+file, "\x1b[") {
		t.Errorf("colour escapes in non-terminal output")
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("log dir mode = %v, %v; want 0700", info.Mode().Perm(), err)
	}
}

// SC-007: the writer goroutine writes without being asked; no Flush needed.
func TestFileReceivesLinesWithoutFlush(t *testing.T) {
	l, _ := open(t, logging.Config{})
	l.Logger().Info("prompt line")
	deadline := time.Now().Add(10 * time.Second) // a hang detector, not a latency assertion
	for {
		b, _ := os.ReadFile(l.Path())
		if strings.Contains(string(b), "prompt line") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("line never reached the file without Flush")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewFallsBackToConsoleWhenDirUnusable(t *testing.T) {
	tmp := t.TempDir()
	afile := filepath.Join(tmp, "afile")
	if err := os.WriteFile(afile, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Tests run as root, so permissions cannot make a directory unwritable;
	// a path through a regular file cannot be created by anyone.
	dir := filepath.Join(afile, "logs")
	l, console := open(t, logging.Config{Dir: dir})

	if l.Path() != "" {
		t.Errorf("Path() = %q, want \"\" (console only)", l.Path())
	}
	w := l.Warning()
	if w == "" || !strings.Contains(w, dir) || !strings.Contains(w, "console only") {
		t.Fatalf("Warning() = %q, want a sentence naming %s and console only", w, dir)
	}
	if !strings.Contains(console.String(), "level=warning") || !strings.Contains(console.String(), "console only") {
		t.Errorf("warning not logged to the console:\n%s", console)
	}
	l.Logger().Info("still logging")
	if !strings.Contains(console.String(), "still logging") {
		t.Errorf("console logging stopped after the fallback:\n%s", console)
	}
	l.Flush() // no-op, must not block
	if l.Dropped() != 0 {
		t.Errorf("Dropped() = %d", l.Dropped())
	}
}

func TestNewFallsBackWhenFileIsADirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, logging.FileName), 0o700); err != nil {
		t.Fatal(err)
	}
	l, _ := open(t, logging.Config{Dir: dir})
	if l.Path() != "" || l.Warning() == "" {
		t.Fatalf("Path() = %q, Warning() = %q; want console only with a warning", l.Path(), l.Warning())
	}
}

func TestNewWithoutDirIsConsoleOnlyWithoutWarning(t *testing.T) {
	console := &syncBuffer{}
	l := logging.New(logging.Config{Console: console, Level: logrus.InfoLevel})
	defer l.Close()
	l.Logger().Info("hello")
	if l.Path() != "" || l.Warning() != "" {
		t.Errorf("Path() = %q, Warning() = %q; want both empty", l.Path(), l.Warning())
	}
	if !strings.Contains(console.String(), "hello") {
		t.Errorf("console lacks the line:\n%s", console)
	}
}

func TestCloseFlushesAndIsIdempotent(t *testing.T) {
	console := &syncBuffer{}
	dir := t.TempDir()
	l := logging.New(logging.Config{Dir: dir, Console: console, Level: logrus.InfoLevel})
	for i := range 500 {
		l.Logger().Infof("line %d", i)
	}
	if err := l.Close(); err != nil { // no Flush before: Close must flush
		t.Fatalf("Close: %v", err)
	}
	file := readFile(t, filepath.Join(dir, logging.FileName))
	if got := strings.Count(file, "\n"); got != 500 {
		t.Errorf("file has %d lines after Close, want 500", got)
	}

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := l.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		})
	}
	wg.Wait()

	l.Logger().Info("after close") // console only, no error, no panic
	l.Flush()
	if !strings.Contains(console.String(), "after close") {
		t.Errorf("console lacks the line logged after Close")
	}
	if strings.Contains(readFile(t, filepath.Join(dir, logging.FileName)), "after close") {
		t.Errorf("file written after Close")
	}
}

func TestConcurrentLogging(t *testing.T) {
	const goroutines, lines = 16, 300
	l, console := open(t, logging.Config{BufferLines: goroutines * lines})
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			log := l.Logger().WithField("g", g)
			for i := range lines {
				log.WithField("i", i).Info("concurrent")
			}
		})
	}
	wg.Wait()
	l.Flush()

	total := goroutines * lines
	if got := strings.Count(console.String(), "msg=concurrent"); got != total {
		t.Errorf("console has %d lines, want %d", got, total)
	}
	file := readFile(t, l.Path())
	line := regexp.MustCompile(`^time="[^"]+" level=info msg=concurrent g=\d+ i=\d+$`)
	seen := map[string]bool{}
	for _, s := range strings.Split(strings.TrimSuffix(file, "\n"), "\n") {
		if !line.MatchString(s) {
			t.Fatalf("garbled file line %q", s)
		}
		seen[s[strings.Index(s, " g="):]] = true
	}
	if len(seen) != total || l.Dropped() != 0 {
		t.Errorf("file has %d distinct lines, dropped %d; want %d, 0", len(seen), l.Dropped(), total)
	}
}

func TestDefaultConfig(t *testing.T) {
	data := filepath.Join("home", "u", ".local", "share", "tusk")
	cfg := logging.DefaultConfig(data)
	if got, want := cfg.Dir, filepath.Join(data, "logs"); got != want || logging.LogDir(data) != want {
		t.Errorf("Dir = %q, LogDir = %q; want %q", got, logging.LogDir(data), want)
	}
	if cfg.MaxSizeMB != 20 || cfg.MaxAgeDays != 14 || cfg.MaxBackups != logging.DefaultMaxBackups ||
		!cfg.Compress || cfg.BufferLines != logging.DefaultBufferLines {
		t.Errorf("DefaultConfig = %+v", cfg)
	}
	if cfg.Level != 0 || cfg.Console != nil || cfg.Now != nil {
		t.Errorf("DefaultConfig must leave Level, Console, Now to New's defaults: %+v", cfg)
	}
	if got := logging.DefaultConfig("").Dir; got != "" {
		t.Errorf("DefaultConfig(\"\").Dir = %q, want \"\"", got)
	}
}

// TestFatalFlushesFile runs itself in a child process that logs at Fatal
// level: the line must be in the file although the process exits at once.
func TestFatalFlushesFile(t *testing.T) {
	const envDir = "TUSK_LOGGING_TEST_FATAL_DIR"
	if dir := os.Getenv(envDir); dir != "" {
		l := logging.New(logging.Config{Dir: dir, Level: logrus.InfoLevel, Console: &syncBuffer{}})
		for i := range 1000 {
			l.Logger().Infof("before fatal %d", i)
		}
		l.Logger().Fatal("fatal line")
		return // not reached
	}

	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFatalFlushesFile$")
	cmd.Env = append(os.Environ(), envDir+"="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("child: %v, want exit status 1\n%s", err, out)
	}
	file := readFile(t, filepath.Join(dir, logging.FileName))
	if !strings.Contains(file, "before fatal 999") || !strings.Contains(file, `level=fatal msg="fatal line"`) {
		t.Errorf("file lacks the lines logged before Fatal:\n%.500s", file)
	}
}

func ExampleNew() {
	dataDir, _ := os.MkdirTemp("", "tusk")
	defer os.RemoveAll(dataDir)

	logs := logging.New(logging.DefaultConfig(dataDir))
	defer logs.Close()
	if w := logs.Warning(); w != "" {
		fmt.Println("show to the user:", w)
	}
	logs.Logger().WithField("conn", "local").Info("pool opened")
	fmt.Println(filepath.Base(logs.Path()))
	// Output: tusk.log
}
