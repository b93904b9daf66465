package pgtest_test

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

// bouncerHelperEnv makes the re-executed test binary run one bouncer test
// with pgbouncer missing.
const bouncerHelperEnv = "PGTEST_BOUNCER_MISSING"

// TestBouncerModes: the pooler relays to the cluster in both modes, the
// client sees a process ID that is not the server's, and Stop frees the
// port and removes the directory.
func TestBouncerModes(t *testing.T) {
	if os.Getenv(bouncerHelperEnv) != "" {
		t.Setenv(pgtest.BouncerEnv, "/nonexistent/pgbouncer")
	}
	for _, mode := range []string{pgtest.SessionMode, pgtest.TransactionMode} {
		b := pgtest.NeedBouncer(t, cluster, pgtest.BouncerOptions{Mode: mode})
		c, err := pgconn.Connect(ctx(t), b.ConnString(cluster.TrustUser, "", ""))
		if err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, b.Log())
		}
		res, err := c.Exec(ctx(t), "select pg_backend_pid()::text, count(*)::text from fixture").ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if pid := string(res[0].Rows[0][0]); pid == strconv.FormatUint(uint64(c.PID()), 10) {
			t.Errorf("%s: the protocol reports the server's PID %s", mode, pid)
		}
		if n := string(res[0].Rows[0][1]); n != "1" {
			t.Errorf("%s: fixture rows = %s", mode, n)
		}
		c.Close(ctx(t))
		if err := b.Stop(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(b.Dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("bouncer dir still there: %v", err)
		}
		if processAlive(b.PID) {
			t.Errorf("pgbouncer %d still running", b.PID)
		}
		l, err := net.Listen("tcp", net.JoinHostPort(b.Host, strconv.Itoa(b.Port)))
		if err != nil {
			t.Fatalf("port %d not free after Stop: %v", b.Port, err)
		}
		l.Close()
	}
}

// TestBouncerMissing: without pgbouncer StartBouncer says so; a test that
// needs it is skipped, or fails under CI=true.
func TestBouncerMissing(t *testing.T) {
	t.Setenv(pgtest.BouncerEnv, "/nonexistent/pgbouncer")
	if _, err := pgtest.StartBouncer(ctx(t), cluster, pgtest.BouncerOptions{}); !errors.Is(err, pgtest.ErrNoBouncer) {
		t.Fatalf("StartBouncer error = %v, want ErrNoBouncer", err)
	}
	for _, ci := range []string{"true", ""} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBouncerModes$", "-test.v")
		cmd.Env = append(ownClusterEnv(), "CI="+ci, bouncerHelperEnv+"=1")
		out, err := cmd.CombinedOutput()
		failed := err != nil
		if ci == "true" && (!failed || !strings.Contains(string(out), "CI=true")) {
			t.Errorf("CI=true: err %v, output %q; want a failure", err, out)
		}
		if ci == "" && (failed || !strings.Contains(string(out), "SKIP")) {
			t.Errorf("no CI: err %v, output %q; want a skip", err, out)
		}
	}
}
