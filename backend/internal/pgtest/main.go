package pgtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// SharedDirEnv names the environment variable that points Main at a cluster
// started by "pgtestd start <dir>" instead of starting one.
const SharedDirEnv = "TUSK_PGTEST_SHARED_DIR"

// sharedFile is the description of a shared cluster inside its directory.
const sharedFile = "cluster.json"

// Main runs a package's tests against one cluster; call it from TestMain. It
// isolates the client environment (IsolateEnv), starts a cluster (or joins the
// one named by TUSK_PGTEST_SHARED_DIR), calls setup (may be nil) to hand the
// cluster to the tests and create fixtures, runs the tests and exits the
// process with their status.
//
// The cluster is always stopped: after the tests, when setup fails or panics,
// on SIGINT/SIGTERM, and — through a watchdog process — when a test panics or
// the test binary is killed.
//
// Without installed server binaries Main fails the package when CI=true.
// Otherwise it runs the package's tests without a cluster (setup is not
// called): the tests that need one call Need, which skips them with the
// reason, and the others run as usual — so a package never reports ok
// having run nothing.
func Main(m *testing.M, setup func(*Cluster) error) {
	os.Exit(run(m, setup))
}

// missing is why no cluster runs in this test binary; nil when one does.
// Written once by Main before any test starts.
var missing error

// Need skips the test when this test binary runs without PostgreSQL (see
// Main); call it first in every test, or test helper, that uses the
// cluster.
func Need(t testing.TB) {
	t.Helper()
	if missing != nil {
		t.Skipf("SKIP (needs PostgreSQL): %v", missing)
	}
}

func run(m *testing.M, setup func(*Cluster) error) int {
	restore, err := IsolateEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer restore()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	c, err := startOrJoin(ctx)
	cancel()
	if errors.Is(err, ErrNoServer) {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "FAIL: %v (CI=true: a missing PostgreSQL server is an error)\n", err)
			return 1
		}
		missing = err
		fmt.Fprintf(os.Stderr, "pgtest: %v\npgtest: running only the tests that do not need PostgreSQL; the others are skipped (go test -v lists them)\n", err)
		return m.Run()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: start PostgreSQL: %v\n", err)
		return 1
	}
	defer func() {
		if err := c.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: stop: %v\n", err)
		}
	}()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		s, ok := <-sig
		if !ok {
			return
		}
		fmt.Fprintf(os.Stderr, "pgtest: %v: stopping PostgreSQL\n", s)
		_ = c.Stop()
		restore()
		os.Exit(128 + int(s.(syscall.Signal)))
	}()

	if setup != nil {
		if err := setup(c); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: pgtest setup: %v\n", err)
			return 1
		}
	}
	return m.Run()
}

// startOrJoin starts a cluster, or joins the shared one.
func startOrJoin(ctx context.Context) (*Cluster, error) {
	if dir := os.Getenv(SharedDirEnv); dir != "" {
		return JoinShared(ctx, dir)
	}
	return Start(ctx)
}

// IsolateEnv makes pgx's ParseConfig in this process independent of the
// developer's environment: it unsets every PG* variable, sets PGPASSFILE to
// /dev/null and, when ~/.postgresql exists (root.crt there would silently
// turn sslmode=require into verify-ca, and no variable can switch that
// default off), points HOME at an empty directory, first pinning GOPATH and
// XDG_CONFIG_HOME/XDG_CACHE_HOME/XDG_DATA_HOME to the values the real HOME
// implied. restore undoes all of it (only its first call acts; it is safe
// to call from a signal handler while a deferred call is pending). Call it before tests run (Main does);
// it is not safe while other goroutines read the environment.
func IsolateEnv() (restore func(), err error) {
	saved := map[string]*string{}
	set := func(k, v string) {
		if _, ok := saved[k]; !ok {
			if old, present := os.LookupEnv(k); present {
				saved[k] = &old
			} else {
				saved[k] = nil
			}
		}
		os.Setenv(k, v)
	}
	unset := func(k string) {
		if _, ok := saved[k]; !ok {
			old := os.Getenv(k)
			saved[k] = &old
		}
		os.Unsetenv(k)
	}
	var emptyHome string
	var once sync.Once
	restore = func() {
		once.Do(func() {
			for k, v := range saved {
				if v == nil {
					os.Unsetenv(k)
				} else {
					os.Setenv(k, *v)
				}
			}
			saved = map[string]*string{}
			if emptyHome != "" {
				os.RemoveAll(emptyHome)
			}
		})
	}

	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "PG") {
			unset(k)
		}
	}
	set("PGPASSFILE", os.DevNull)

	home, herr := os.UserHomeDir()
	if herr != nil || runtime.GOOS == "windows" {
		return restore, nil
	}
	if _, err := os.Stat(filepath.Join(home, ".postgresql")); err != nil {
		return restore, nil
	}
	pin := map[string]string{
		"GOPATH":          filepath.Join(home, "go"),
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"),
		"XDG_DATA_HOME":   filepath.Join(home, ".local", "share"),
	}
	for k, v := range pin {
		if os.Getenv(k) == "" {
			set(k, v)
		}
	}
	emptyHome, err = os.MkdirTemp("", "tusk-pgtest-home-")
	if err != nil {
		restore()
		return func() {}, fmt.Errorf("pgtest: isolate HOME: %w", err)
	}
	set("HOME", emptyHome)
	return restore, nil
}

// StartShared starts a detached cluster for many test binaries and describes
// it in dir/cluster.json (mode 0600: it holds ScramPassword). It fails if dir
// already describes a running cluster. pgtestd start calls it.
func StartShared(ctx context.Context, dir string) (*Cluster, error) {
	if c, err := readShared(dir); err == nil && alive(c.PID) {
		return nil, fmt.Errorf("pgtest: %s already describes a running cluster (pid %d)", dir, c.PID)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c, err := StartWith(ctx, Options{Detached: true})
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, sharedFile), append(b, '\n'), 0o600)
	}
	if err != nil {
		_ = c.Stop()
		return nil, fmt.Errorf("pgtest: describe shared cluster: %w", err)
	}
	return c, nil
}

// StopShared stops the cluster described in dir and removes its directory and
// description. Nothing described is not an error. pgtestd stop calls it.
func StopShared(dir string) error {
	c, err := readShared(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	c.owned = true
	if err := c.Stop(); err != nil {
		return err
	}
	return os.Remove(filepath.Join(dir, sharedFile))
}

// JoinShared attaches to the cluster described in dir and creates a database
// of its own for this process (Database, owned by TrustUser, with the same
// default privileges as tusk_test). Stop drops that database and leaves the
// server running.
func JoinShared(ctx context.Context, dir string) (*Cluster, error) {
	c, err := readShared(dir)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %s=%s: %w (start one with: go run ./backend/internal/pgtest/cmd/pgtestd start %s)", SharedDirEnv, dir, err, dir)
	}
	db := testDatabase + "_" + randomHex(6)
	if err := c.ExecIn(ctx, "postgres", "CREATE DATABASE "+quoteIdent(db)+" OWNER "+quoteIdent(c.TrustUser)); err != nil {
		return nil, fmt.Errorf("pgtest: shared cluster in %s: %w", dir, err)
	}
	c.dropDB = db
	if err := c.ExecIn(ctx, db, defaultPrivilegesSQL); err != nil {
		_ = c.Stop()
		return nil, err
	}
	c.Database = db
	return c, nil
}

func readShared(dir string) (*Cluster, error) {
	b, err := os.ReadFile(filepath.Join(dir, sharedFile))
	if err != nil {
		return nil, err
	}
	c := &Cluster{}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("pgtest: %s: %w", filepath.Join(dir, sharedFile), err)
	}
	return c, nil
}
