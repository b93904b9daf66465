package pgtest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

var cluster *pgtest.Cluster

// helperEnv makes the re-executed test binary act as a crashing client.
const helperEnv = "PGTEST_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "crash" {
		crashHelper()
		return
	}
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		return c.Exec(context.Background(), `
			create table fixture (id int primary key, name text);
			insert into fixture values (1, 'one');`)
	})
}

// crashHelper starts a cluster inside pgtest.Main, reports it and panics from
// a test-like goroutine, so no deferred Stop runs.
func crashHelper() {
	pgtest.Main(nil, func(c *pgtest.Cluster) error {
		fmt.Printf("%s %d\n", c.Dir, c.PID)
		os.Stdout.Sync()
		done := make(chan struct{})
		go func() {
			defer close(done)
			panic("helper crashes on purpose")
		}()
		<-done
		return nil
	})
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// connect connects and reports whether the session uses TLS.
func connect(t *testing.T, dsn string) (ssl bool, err error) {
	t.Helper()
	conn, err := pgx.Connect(ctx(t), dsn)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	err = conn.QueryRow(ctx(t), "select ssl from pg_stat_ssl where pid = pg_backend_pid()").Scan(&ssl)
	return ssl, err
}

func TestConnectAsEachUser(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	tests := []struct {
		name     string
		dsn      string
		wantSSL  bool
		wantCode string // SQLSTATE of the expected failure; "" = success
	}{
		{"scram plain", c.ConnString(c.ScramUser, c.ScramPassword, ""), false, ""},
		{"scram tls require", c.ConnString(c.ScramUser, c.ScramPassword, "", "sslmode=require"), true, ""},
		{"scram tls verify-full", c.ConnString(c.ScramUser, c.ScramPassword, "", "sslmode=verify-full", "sslrootcert="+c.CACertPath), true, ""},
		{"scram wrong password", c.ConnString(c.ScramUser, "wrong", ""), false, "28P01"},
		{"scram no password", c.ConnString(c.ScramUser, "", ""), false, "28P01"},
		{"trust plain", c.ConnString(c.TrustUser, "", ""), false, ""},
		{"trust tls verify-ca", c.ConnString(c.TrustUser, "", "", "sslmode=verify-ca", "sslrootcert="+c.CACertPath), true, ""},
		{"superuser tcp", c.ConnString(c.SuperUser, "", "postgres"), false, ""},
		{"superuser socket", c.SuperConnString(""), false, ""},
		{"rejected plain", c.ConnString(c.RejectedUser, "", ""), false, "28000"},
		{"rejected tls", c.ConnString(c.RejectedUser, "", "", "sslmode=require"), false, "28000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ssl, err := connect(t, tt.dsn)
			if tt.wantCode != "" {
				var pgErr *pgconn.PgError
				if !errors.As(err, &pgErr) || pgErr.Code != tt.wantCode {
					t.Fatalf("err = %v, want SQLSTATE %s", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ssl != tt.wantSSL {
				t.Fatalf("ssl = %v, want %v", ssl, tt.wantSSL)
			}
		})
	}
}

func TestVerifyWithOtherCAFails(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	for _, mode := range []string{"verify-ca", "verify-full"} {
		_, err := connect(t, c.ConnString(c.TrustUser, "", "", "sslmode="+mode, "sslrootcert="+c.OtherCACertPath))
		if err == nil {
			t.Fatalf("%s with an unrelated CA connected", mode)
		}
	}
}

func TestFixturesVisibleToTestRoles(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	for _, dsn := range []string{c.ConnString(c.TrustUser, "", ""), c.ConnString(c.ScramUser, c.ScramPassword, "")} {
		conn, err := pgx.Connect(ctx(t), dsn)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		if err := conn.QueryRow(ctx(t), "select name from fixture where id = 1").Scan(&name); err != nil || name != "one" {
			t.Fatalf("select fixture: %q, %v", name, err)
		}
		conn.Close(context.Background())
	}
	var pgErr *pgconn.PgError
	if err := c.Exec(ctx(t), "select * from no_such_table"); !errors.As(err, &pgErr) || pgErr.Code != "42P01" {
		t.Fatalf("Exec error = %v, want a wrapped 42P01", err)
	}
}

func TestServerSettings(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	if c.Host != "127.0.0.1" || c.Port == 0 || !strings.HasPrefix(c.Database, "tusk_test") {
		t.Fatalf("cluster = %+v", c)
	}
	conn, err := pgx.Connect(ctx(t), c.ConnString(c.SuperUser, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for name, want := range map[string]string{
		"listen_addresses": "127.0.0.1", "ssl": "on", "fsync": "off",
		"password_encryption": "scram-sha-256", "unix_socket_directories": c.SocketDir,
	} {
		var got string
		if err := conn.QueryRow(ctx(t), "select current_setting($1)", name).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", name, got, err, want)
		}
	}
	var owner string
	if err := conn.QueryRow(ctx(t), "select pg_get_userbyid(datdba) from pg_database where datname = current_database()").Scan(&owner); err != nil || owner != c.TrustUser {
		t.Errorf("owner of %s = %q (%v)", c.Database, owner, err)
	}
	fi, err := os.Stat(filepath.Join(c.Dir, "tls", "server.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("server.key: %v %v", fi.Mode(), err)
	}
}

func TestStopRemovesDirAndFreesPort(t *testing.T) {
	pgtest.Need(t)
	begin := time.Now()
	c, err := pgtest.StartWith(ctx(t), pgtest.Options{NoSSL: true})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Since(begin)
	if ssl, err := connect(t, c.ConnString(c.TrustUser, "", "")); err != nil || ssl {
		t.Fatalf("connect: ssl=%v %v", ssl, err)
	}
	if _, err := connect(t, c.ConnString(c.TrustUser, "", "", "sslmode=require")); err == nil {
		t.Fatal("sslmode=require against ssl=off connected")
	}
	pid := c.PID
	begin = time.Now()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Logf("start %s, stop %s", started.Round(time.Millisecond), time.Since(begin).Round(time.Millisecond))
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(c.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("cluster dir still there: %v", err)
	}
	if processAlive(pid) {
		t.Fatalf("postmaster %d still running", pid)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(c.Host, strconv.Itoa(c.Port)))
	if err != nil {
		t.Fatalf("port %d not free after Stop: %v", c.Port, err)
	}
	l.Close()
}

// ownClusterEnv is the environment for a re-executed test binary that must
// start a cluster of its own even when this run shares one.
func ownClusterEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, pgtest.SharedDirEnv+"=") {
			env = append(env, kv)
		}
	}
	return env
}

// processAlive reports whether pid runs and is not a zombie.
func processAlive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

func TestWatchdogCleansUpAfterPanic(t *testing.T) {
	pgtest.Need(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(ownClusterEnv(), helperEnv+"=crash")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	err = cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("helper should have crashed, got %v", err)
	}
	var dir string
	var pid int
	if _, err := fmt.Sscan(line, &dir, &pid); err != nil {
		t.Fatalf("helper output %q: %v", line, err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, statErr := os.Stat(dir)
		if errors.Is(statErr, os.ErrNotExist) && !processAlive(pid) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the crash: dir %s stat=%v, postmaster %d alive=%v", dir, statErr, pid, processAlive(pid))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestMissingServer(t *testing.T) {
	t.Setenv(pgtest.BinDirEnv, t.TempDir())
	if _, err := pgtest.Start(ctx(t)); !errors.Is(err, pgtest.ErrNoServer) {
		t.Fatalf("Start error = %v, want ErrNoServer", err)
	}
	for _, ci := range []string{"true", ""} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConnectAsEachUser$")
		cmd.Env = append(ownClusterEnv(), "CI="+ci)
		out, err := cmd.CombinedOutput()
		code := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if ci == "true" && (code == 0 || !strings.Contains(string(out), "FAIL")) {
			t.Errorf("CI=true: exit %d, output %q; want a failure", code, out)
		}
		// Locally the package still runs: the tests that need the server
		// are skipped with the reason, the others run.
		if ci == "" && (code != 0 || !strings.Contains(string(out), "running only the tests that do not need PostgreSQL")) {
			t.Errorf("no CI: exit %d, output %q; want the test skipped and the run going on", code, out)
		}
	}
}

func TestSharedCluster(t *testing.T) {
	pgtest.Need(t)
	dir := t.TempDir()
	shared, err := pgtest.StartShared(ctx(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pgtest.StopShared(dir) })
	if _, err := pgtest.StartShared(ctx(t), dir); err == nil {
		t.Fatal("a second StartShared on the same dir succeeded")
	}

	var dbs []string
	for range 2 {
		c, err := pgtest.JoinShared(ctx(t), dir)
		if err != nil {
			t.Fatal(err)
		}
		if c.Port != shared.Port || !strings.HasPrefix(c.Database, "tusk_test_") {
			t.Fatalf("joined %+v", c)
		}
		if err := c.Exec(ctx(t), "create table t (id int)"); err != nil {
			t.Fatal(err)
		}
		if _, err := connect(t, c.ConnString(c.ScramUser, c.ScramPassword, "", "sslmode=verify-full", "sslrootcert="+c.CACertPath)); err != nil {
			t.Fatal(err)
		}
		dbs = append(dbs, c.Database)
		if err := c.Stop(); err != nil {
			t.Fatal(err)
		}
		if !processAlive(shared.PID) {
			t.Fatal("Stop of a joined cluster stopped the shared server")
		}
	}
	if dbs[0] == dbs[1] {
		t.Fatalf("two joins share database %s", dbs[0])
	}
	var n int
	conn, err := pgx.Connect(ctx(t), shared.ConnString(shared.SuperUser, "", "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	err = conn.QueryRow(ctx(t), "select count(*) from pg_database where datname like 'tusk_test_%'").Scan(&n)
	conn.Close(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("joined databases left behind: %d (%v)", n, err)
	}

	if err := pgtest.StopShared(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(shared.Dir); !errors.Is(err, os.ErrNotExist) || processAlive(shared.PID) {
		t.Fatalf("shared cluster not removed: %v", err)
	}
	if err := pgtest.StopShared(dir); err != nil {
		t.Fatalf("StopShared twice: %v", err)
	}
}

func TestIsolateEnv(t *testing.T) {
	pgtest.Need(t)
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".postgresql"), 0o700); err != nil {
		t.Fatal(err)
	}
	// A root.crt in ~/.postgresql silently turns sslmode=require into
	// verify-ca; IsolateEnv must hide it.
	if err := os.WriteFile(filepath.Join(home, ".postgresql", "root.crt"), mustRead(t, cluster.OtherCACertPath), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("GOPATH", "")
	t.Setenv("PGHOST", "db.invalid")
	t.Setenv("PGSSLMODE", "verify-full")
	t.Setenv("PGPASSWORD", "leaked")

	before, err := pgconn.ParseConfig("sslmode=require")
	if err != nil {
		t.Fatal(err)
	}
	if before.Host != "db.invalid" || before.TLSConfig.VerifyPeerCertificate == nil {
		t.Fatalf("test premise: env and root.crt should leak into ParseConfig")
	}

	restore, err := pgtest.IsolateEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"PGHOST", "PGSSLMODE", "PGPASSWORD"} {
		if v, ok := os.LookupEnv(k); ok {
			t.Errorf("%s still set to %q", k, v)
		}
	}
	if os.Getenv("HOME") == home || os.Getenv("GOPATH") != filepath.Join(home, "go") {
		t.Errorf("HOME=%q GOPATH=%q", os.Getenv("HOME"), os.Getenv("GOPATH"))
	}
	after, err := pgconn.ParseConfig("host=127.0.0.1 sslmode=require")
	if err != nil {
		t.Fatal(err)
	}
	if after.Password != "" || after.TLSConfig == nil || !after.TLSConfig.InsecureSkipVerify || after.TLSConfig.VerifyPeerCertificate != nil {
		t.Fatalf("isolated ParseConfig still influenced: password=%q tls=%+v", after.Password, after.TLSConfig)
	}
	restore()
	if os.Getenv("HOME") != home || os.Getenv("PGHOST") != "db.invalid" || os.Getenv("GOPATH") != "" {
		t.Fatalf("restore: HOME=%q PGHOST=%q GOPATH=%q", os.Getenv("HOME"), os.Getenv("PGHOST"), os.Getenv("GOPATH"))
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConnString(t *testing.T) {
	c := &pgtest.Cluster{Host: "127.0.0.1", Port: 5999, Database: "tusk_test"}
	tests := []struct {
		user, password, db string
		extra              []string
		want               string
	}{
		{"bob", "", "", nil, "host=127.0.0.1 port=5999 user=bob dbname=tusk_test sslmode=disable"},
		{"bob", "it's secret", "other", []string{"sslmode=require", "connect_timeout=1"},
			`host=127.0.0.1 port=5999 user=bob password='it\'s secret' dbname=other sslmode=require connect_timeout=1`},
		{"bob", "pw", "", []string{"host=localhost"}, "host=localhost port=5999 user=bob password=pw dbname=tusk_test sslmode=disable"},
	}
	for _, tt := range tests {
		if got := c.ConnString(tt.user, tt.password, tt.db, tt.extra...); got != tt.want {
			t.Errorf("ConnString(%q, %q, %q, %q)\n got %s\nwant %s", tt.user, tt.password, tt.db, tt.extra, got, tt.want)
		}
		if _, err := pgconn.ParseConfig(c.ConnString(tt.user, tt.password, tt.db, tt.extra...)); err != nil {
			t.Errorf("ParseConfig: %v", err)
		}
	}
}
