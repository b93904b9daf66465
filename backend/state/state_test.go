package state_test

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/state"
	"github.com/tusk-app/tusk/backend/storage"
)

func TestNewCreatesDataDirAndStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "tusk")
	st, err := state.New(context.Background(), state.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.DataDir() != dir {
		t.Errorf("DataDir = %q, want %q", st.DataDir(), dir)
	}
	if got, want := st.Store().Path(), filepath.Join(dir, storage.FileName); got != want {
		t.Errorf("store path = %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, storage.FileName)); err != nil {
		t.Errorf("store file missing: %v", err)
	}
	if st.StoreReport().Problem() {
		t.Errorf("fresh store reported a problem: %+v", st.StoreReport())
	}
	if st.InitDuration() <= 0 {
		t.Error("InitDuration not measured")
	}
	t.Logf("state initialisation (data dir + store + migrations): %v", st.InitDuration())
}

func TestNewFailsWhenDataDirCannotBeCreated(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := state.New(context.Background(), state.Options{DataDir: filepath.Join(file, "tusk")}); err == nil {
		t.Fatal("New succeeded under a regular file")
	}
	if _, err := state.New(context.Background(), state.Options{}); err == nil {
		t.Fatal("New succeeded without a data directory")
	}
}

func TestNewRecoversCorruptStore(t *testing.T) {
	dir := t.TempDir()
	garbage := make([]byte, 8192)
	for i := range garbage {
		garbage[i] = byte(i * 7)
	}
	if err := os.WriteFile(filepath.Join(dir, storage.FileName), garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := state.New(context.Background(), state.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep := st.StoreReport()
	if !rep.Recovered || rep.MovedTo == "" || rep.Message == "" {
		t.Fatalf("report = %+v, want a recovery with the file moved aside", rep)
	}
}

func TestCloseWaitsForBackgroundWork(t *testing.T) {
	st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var finished atomic.Int32
	const n = 20
	started := make(chan struct{}, n)
	for range n {
		ok := st.Go(func(ctx context.Context) {
			started <- struct{}{}
			<-ctx.Done() // runs until the state closes
			time.Sleep(5 * time.Millisecond)
			finished.Add(1)
		})
		if !ok {
			t.Fatal("Go refused work before Close")
		}
	}
	for range n {
		<-started
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if got := finished.Load(); got != n {
		t.Fatalf("Close returned with %d of %d goroutines finished", got, n)
	}
	if st.Go(func(context.Context) { t.Error("ran after Close") }) {
		t.Fatal("Go accepted work after Close")
	}
	if err := st.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestGoRacesClose(t *testing.T) {
	for range 50 {
		st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		var ran, accepted atomic.Int32
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range 100 {
				if st.Go(func(context.Context) { ran.Add(1) }) {
					accepted.Add(1)
				}
			}
		}()
		_ = st.Close()
		<-done
		// Close waits for every goroutine it let in; everything else is refused.
		if ran.Load() != accepted.Load() {
			t.Fatalf("ran %d, accepted %d", ran.Load(), accepted.Load())
		}
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		st, err := state.New(context.Background(), state.Options{DataDir: filepath.Join(b.TempDir(), "tusk")})
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// TestSpillFilesLiveInTheCacheDirectory: results spill under the cache
// directory (not /tmp), and files a crashed run left there are swept.
func TestSpillFilesLiveInTheCacheDirectory(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	spill := filepath.Join(cache, "results")
	if err := os.MkdirAll(spill, 0o700); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(spill, "tusk-resultset-123.bin")
	if err := os.WriteFile(stale, []byte("left by a crash"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := state.New(context.Background(), state.Options{DataDir: dir, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale spill file not swept: %v", err)
	}
}

// TestResultsSpillUnderTheCacheDirectory: with a small shared budget, a
// large result spills into CacheDir/results, and releasing it removes the
// file.
func TestResultsSpillUnderTheCacheDirectory(t *testing.T) {
	pgtest.Need(t)
	cache := t.TempDir()
	st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir(), CacheDir: cache, ResultMemory: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	id := connectTo(t, st, cluster)
	sum := runIn(t, st, id, "tab", "select g, repeat('x', 200) from generate_series(1, 20000) g")
	if sum.Status != query.StatusDone {
		t.Fatal(sum.Statements[0].Error)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "results", "tusk-resultset-*.bin"))
	if len(files) != 1 {
		t.Fatalf("spill files under the cache directory: %v", files)
	}
	st.Queries().Release(sum.QueryID)
	if files, _ := filepath.Glob(filepath.Join(cache, "results", "*")); len(files) != 0 {
		t.Fatalf("spill files left after release: %v", files)
	}
}
