package pgtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ErrNoBouncer reports that no pgbouncer binary was found.
var ErrNoBouncer = errors.New("pgtest: no pgbouncer binary found (install the pgbouncer package or set TUSK_PGBOUNCER)")

// BouncerEnv names the environment variable that points at the pgbouncer
// binary, overriding the search of PATH and /usr/sbin.
const BouncerEnv = "TUSK_PGBOUNCER"

// PgBouncer pool modes.
const (
	SessionMode     = "session"
	TransactionMode = "transaction"
)

// BouncerOptions tune StartBouncer. The zero value is a transaction-mode
// pooler with a pool of 5 server connections per user and database that
// rejects every startup parameter it does not know.
type BouncerOptions struct {
	// Mode is SessionMode or TransactionMode (the default).
	Mode string
	// IgnoreStartupParameters are startup parameters the pooler accepts and
	// drops (ignore_startup_parameters); any other unknown one makes it
	// refuse the login with "unsupported startup parameter".
	IgnoreStartupParameters []string
	// PoolSize is default_pool_size: server connections per user and
	// database; 0 means 5.
	PoolSize int
	// QueryWaitTimeout is how long a client waits for a server connection
	// before the pooler ends it with "query_wait_timeout"; 0 keeps
	// PgBouncer's default (120 s).
	QueryWaitTimeout time.Duration
	// MaxClientConn is max_client_conn; 0 means 100.
	MaxClientConn int
	// Settings are extra [pgbouncer] settings, written as name = value.
	Settings map[string]string
	// ServerPort, when not 0, sends the pooler to this port instead of the
	// cluster's, e.g. a closed one to provoke its login failures.
	ServerPort int
}

// Bouncer is a running PgBouncer in front of a Cluster: every database of
// the cluster is reachable through it under its own name, as any role that
// the cluster trusts over TCP (SuperUser, TrustUser). Clients log in to the
// pooler without a password (auth_type trust). Its exported fields are set
// by StartBouncer and never change; Stop is safe to call concurrently and
// more than once.
type Bouncer struct {
	// Host is the address the pooler listens on: always "127.0.0.1".
	Host string
	// Port is the pooler's TCP port.
	Port int
	// Dir holds its configuration, log and pid file; Stop removes it.
	Dir string
	// PID is the pooler's process id.
	PID int
	// Options are the options it was started with, defaults filled in.
	Options BouncerOptions

	cluster  *Cluster
	exited   chan struct{}
	reaper   *exec.Cmd
	reaperIn io.WriteCloser

	stopOnce sync.Once
	stopErr  error
}

// NeedBouncer is StartBouncer for a test: it stops the pooler when the test
// ends, fails the test when the pooler cannot start, and when pgbouncer is
// not installed skips the test — or fails it when CI=true.
func NeedBouncer(t testing.TB, c *Cluster, opts BouncerOptions) *Bouncer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := StartBouncer(ctx, c, opts)
	switch {
	case errors.Is(err, ErrNoBouncer) && os.Getenv("CI") == "true":
		t.Fatalf("%v (CI=true: a missing pooler is an error)", err)
	case errors.Is(err, ErrNoBouncer):
		t.Skip(err)
	case err != nil:
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Stop(); err != nil {
			t.Errorf("stop pgbouncer: %v", err)
		}
	})
	return b
}

// StartBouncer starts a PgBouncer in front of c on a free loopback port. It
// returns an error wrapping ErrNoBouncer when pgbouncer is not installed.
// When the process runs as root the pooler runs as the server's OS user
// (PgBouncer refuses root). A watchdog process stops it and removes Dir if
// this process dies first. The caller must call Stop.
func StartBouncer(ctx context.Context, c *Cluster, opts BouncerOptions) (*Bouncer, error) {
	bin, err := findBouncer()
	if err != nil {
		return nil, err
	}
	if opts.Mode == "" {
		opts.Mode = TransactionMode
	}
	if opts.Mode != SessionMode && opts.Mode != TransactionMode {
		return nil, fmt.Errorf("pgtest: unknown pool mode %q", opts.Mode)
	}
	if opts.PoolSize <= 0 {
		opts.PoolSize = 5
	}
	if opts.MaxClientConn <= 0 {
		opts.MaxClientConn = 100
	}
	owner, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(rootDir(), "tusk-pgbouncer-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	b := &Bouncer{Host: "127.0.0.1", Dir: dir, Options: opts, cluster: c}
	if err := b.start(ctx, bin, owner); err != nil {
		_ = b.Stop()
		return nil, err
	}
	return b, nil
}

func (b *Bouncer) start(ctx context.Context, bin string, owner runAs) error {
	if err := b.startReaper(); err != nil {
		return err
	}
	if err := os.Chmod(b.Dir, 0o755); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if err := owner.chown(b.Dir); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	// auth_type trust still needs every user listed in the auth file.
	users := fmt.Sprintf("%q \"\"\n%q \"\"\n%q \"\"\n", superUser, trustUser, scramUser)
	if err := os.WriteFile(filepath.Join(b.Dir, "users.txt"), []byte(users), 0o644); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(b.Dir, "pgbouncer.ini"), []byte(b.config(port)), 0o644); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		lastErr = b.launch(ctx, bin, owner, port)
		if lastErr == nil {
			b.Port = port
			return nil
		}
		if !errors.Is(lastErr, errPortInUse) {
			return lastErr
		}
	}
	return lastErr
}

// config renders pgbouncer.ini for a listening port.
func (b *Bouncer) config(port int) string {
	o := b.Options
	settings := map[string]string{
		"listen_addr":       b.Host,
		"listen_port":       strconv.Itoa(port),
		"unix_socket_dir":   "",
		"auth_type":         "trust",
		"auth_file":         filepath.Join(b.Dir, "users.txt"),
		"pool_mode":         o.Mode,
		"default_pool_size": strconv.Itoa(o.PoolSize),
		"max_client_conn":   strconv.Itoa(o.MaxClientConn),
		"logfile":           filepath.Join(b.Dir, "pgbouncer.log"),
		"pidfile":           filepath.Join(b.Dir, "pgbouncer.pid"),
		// Quick start-up and shutdown; no stray server connections linger.
		"server_login_retry":  "1",
		"server_idle_timeout": "30",
	}
	if len(o.IgnoreStartupParameters) > 0 {
		settings["ignore_startup_parameters"] = strings.Join(o.IgnoreStartupParameters, ",")
	}
	if o.QueryWaitTimeout > 0 {
		settings["query_wait_timeout"] = strconv.Itoa(max(int(o.QueryWaitTimeout.Round(time.Second)/time.Second), 1))
	}
	for k, v := range o.Settings {
		settings[k] = v
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	server := b.cluster.Port
	if o.ServerPort != 0 {
		server = o.ServerPort
	}
	fmt.Fprintf(&sb, "[databases]\n* = host=%s port=%d\n\n[pgbouncer]\n", b.cluster.Host, server)
	for _, k := range keys {
		fmt.Fprintf(&sb, "%s = %s\n", k, settings[k])
	}
	return sb.String()
}

// launch starts pgbouncer in the foreground and waits until it accepts
// connections.
func (b *Bouncer) launch(ctx context.Context, bin string, owner runAs, port int) error {
	logPath := filepath.Join(b.Dir, "pgbouncer.log")
	_ = os.Remove(logPath)
	out, err := os.OpenFile(filepath.Join(b.Dir, "stderr.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	cmd := owner.command(childEnv(), bin, filepath.Join(b.Dir, "pgbouncer.ini"))
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Start()
	out.Close()
	if err != nil {
		return fmt.Errorf("pgtest: start pgbouncer: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	b.PID, b.exited = cmd.Process.Pid, exited

	addr := net.JoinHostPort(b.Host, strconv.Itoa(port))
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	for {
		if conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-exited:
			b.PID, b.exited = 0, nil
			log := b.log()
			if strings.Contains(log, "Address already in use") {
				return errPortInUse
			}
			return fmt.Errorf("pgtest: pgbouncer exited during startup:\n%s", tail(log, 4000))
		case <-ctx.Done():
			return fmt.Errorf("pgtest: waiting for pgbouncer to start: %w", ctx.Err())
		case <-timeout.C:
			return fmt.Errorf("pgtest: pgbouncer did not listen within 30s:\n%s", tail(b.log(), 4000))
		case <-tick.C:
		}
	}
}

// log returns what the pooler logged so far.
func (b *Bouncer) log() string {
	var sb strings.Builder
	for _, name := range []string{"pgbouncer.log", "stderr.log"} {
		if data, err := os.ReadFile(filepath.Join(b.Dir, name)); err == nil {
			sb.Write(data)
		}
	}
	return sb.String()
}

// Log returns the pooler's log so far, for a failing test's message.
func (b *Bouncer) Log() string { return b.log() }

// ConnString is Cluster.ConnString with the pooler's address: a
// keyword/value connection string for user to database db (the cluster's
// Database when empty) through the pooler.
func (b *Bouncer) ConnString(user, password, db string, extra ...string) string {
	extra = append([]string{"host=" + b.Host, "port=" + strconv.Itoa(b.Port)}, extra...)
	return b.cluster.ConnString(user, password, db, extra...)
}

// bouncerReaperScript waits until its stdin reaches EOF — this process
// exited, whichever way — unless told "done", then stops the pooler named
// by the pid file ($2) and removes its directory ($1).
const bouncerReaperScript = `read -r line
[ "$line" = done ] && exit 0
pid=$(cat "$2" 2>/dev/null)
if [ -n "$pid" ]; then
	kill -TERM "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i+1))
	done
	kill -KILL "$pid" 2>/dev/null
fi
rm -rf "$1"
`

func (b *Bouncer) startReaper() error {
	cmd := exec.Command("/bin/sh", "-c", bouncerReaperScript, "pgbouncer-reaper", b.Dir, filepath.Join(b.Dir, "pgbouncer.pid"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("pgtest: reaper: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: reaper: %w", err)
	}
	b.reaper, b.reaperIn = cmd, in
	return nil
}

// Stop shuts the pooler down (SIGTERM: immediate shutdown, closing every
// client and server connection; SIGKILL after 5 s) and removes Dir.
func (b *Bouncer) Stop() error {
	b.stopOnce.Do(func() { b.stopErr = b.stop() })
	return b.stopErr
}

func (b *Bouncer) stop() error {
	var errs []error
	if b.PID > 0 {
		_ = syscall.Kill(b.PID, syscall.SIGTERM)
		select {
		case <-b.exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(b.PID, syscall.SIGKILL)
			select {
			case <-b.exited:
			case <-time.After(5 * time.Second):
				errs = append(errs, fmt.Errorf("pgtest: pgbouncer %d did not exit", b.PID))
			}
		}
	}
	if err := os.RemoveAll(b.Dir); err != nil {
		errs = append(errs, fmt.Errorf("pgtest: %w", err))
	}
	if b.reaper != nil {
		_, _ = io.WriteString(b.reaperIn, "done\n")
		_ = b.reaperIn.Close()
		_ = b.reaper.Wait()
	}
	return errors.Join(errs...)
}

// findBouncer locates the pgbouncer binary: BouncerEnv, then PATH, then
// /usr/sbin and /usr/local/sbin (not on a normal user's PATH on Debian).
func findBouncer() (string, error) {
	if p := os.Getenv(BouncerEnv); p != "" {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() {
			return "", fmt.Errorf("%s=%s: %w", BouncerEnv, p, ErrNoBouncer)
		}
		return p, nil
	}
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer", "/usr/local/bin/pgbouncer"} {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", ErrNoBouncer
}
