package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Cluster is a running throwaway PostgreSQL server. Its exported fields are
// set by Start and never change; a Cluster is safe for concurrent use (Exec
// opens a connection per call, Stop runs once).
type Cluster struct {
	// Host is the TCP address the server listens on: always "127.0.0.1".
	Host string `json:"host"`
	// Port is the TCP port, also the number in the unix socket's name.
	Port int `json:"port"`
	// SocketDir holds the server's unix socket (usable as host= in a DSN).
	SocketDir string `json:"socketDir"`
	// Dir is the cluster's directory (under /dev/shm or /tmp); Stop removes it.
	Dir string `json:"dir"`
	// DataDir is the server's data directory, inside Dir.
	DataDir string `json:"dataDir"`
	// BinDir holds the server binaries the cluster runs.
	BinDir string `json:"binDir"`
	// Version is the server's "major.minor" version, e.g. "15.18".
	Version string `json:"version"`
	// PID is the postmaster's process id.
	PID int `json:"pid"`
	// SSL reports whether the server accepts TLS (ssl=on); see Options.NoSSL.
	SSL bool `json:"ssl"`

	// SuperUser is the bootstrap superuser ("postgres"), trusted over the
	// unix socket and over TCP.
	SuperUser string `json:"superUser"`
	// ScramUser logs in over TCP with ScramPassword (scram-sha-256).
	ScramUser string `json:"scramUser"`
	// ScramPassword is ScramUser's password, random per cluster.
	ScramPassword string `json:"scramPassword"`
	// TrustUser logs in over TCP without a password and owns Database.
	TrustUser string `json:"trustUser"`
	// RejectedUser is refused by pg_hba.conf (SQLSTATE 28000).
	RejectedUser string `json:"rejectedUser"`
	// Database is the test database, owned by TrustUser: "tusk_test", or a
	// per-process database when sharing a cluster (see Main).
	Database string `json:"database"`

	// CACertPath is the PEM file of the CA that signed the server
	// certificate (sslrootcert for verify-ca/verify-full).
	CACertPath string `json:"caCertPath"`
	// OtherCACertPath is the PEM file of an unrelated CA, to provoke
	// certificate verification failures.
	OtherCACertPath string `json:"otherCACertPath"`
	// ServerCertPath is the server certificate (CN=localhost, SAN
	// DNS:localhost, IP:127.0.0.1).
	ServerCertPath string `json:"serverCertPath"`

	owned    bool              // Stop shuts the server down and removes Dir
	owner    runAs             // the server's OS user, for Resume
	env      []string          // the server's environment, for Resume
	settings map[string]string // the server's -c settings, for Resume
	exited   chan struct{}     // closed when the postmaster (our child) exits; nil if not our child
	reaper   *exec.Cmd         // watchdog that cleans up if this process dies
	reaperIn io.WriteCloser
	dropDB   string // per-process database of a shared cluster, dropped by Stop

	stopOnce sync.Once
	stopErr  error
}

// Options tunes StartWith. The zero value is what Start uses.
type Options struct {
	// NoSSL starts the server with ssl=off, e.g. to provoke "server refused
	// TLS connection" from a client that requires TLS.
	NoSSL bool
	// Settings are extra server settings, passed as -c name=value.
	Settings map[string]string
	// Detached leaves the server running when this process exits: no
	// watchdog is started. Whoever holds the Cluster (or its JSON, see
	// StartShared) must call Stop. Used by pgtestd.
	Detached bool
}

// Start creates and starts a fresh cluster with TLS on. The caller must call
// Stop. It returns an error wrapping ErrNoServer when no server binaries are
// installed. ctx bounds the startup only, not the server's life. Outside
// Main, call IsolateEnv first if PG* variables or ~/.postgresql must not
// influence the clients.
func Start(ctx context.Context) (*Cluster, error) {
	return StartWith(ctx, Options{})
}

// StartWith is Start with options.
func StartWith(ctx context.Context, opts Options) (*Cluster, error) {
	srv, err := findServer()
	if err != nil {
		return nil, err
	}
	owner, err := serverUser()
	if err != nil {
		return nil, err
	}
	env := childEnv()
	tpl, err := ensureTemplate(srv, owner, env)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(rootDir(), "tusk-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{
		Host:         "127.0.0.1",
		Dir:          dir,
		DataDir:      filepath.Join(dir, "data"),
		SocketDir:    filepath.Join(dir, "sock"),
		BinDir:       srv.binDir,
		Version:      srv.version,
		SSL:          !opts.NoSSL,
		SuperUser:    superUser,
		ScramUser:    scramUser,
		TrustUser:    trustUser,
		RejectedUser: rejectedUser,
		Database:     testDatabase,
		owned:        true,
	}
	if err := c.start(ctx, tpl, owner, env, opts); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context, tpl string, owner runAs, env []string, opts Options) error {
	if !opts.Detached {
		// First, so that even a crash during startup is cleaned up.
		if err := c.startReaper(); err != nil {
			return err
		}
	}
	if err := os.Chmod(c.Dir, 0o755); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if err := owner.chown(c.Dir); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	tlsDir := filepath.Join(c.Dir, "tls")
	if err := os.Mkdir(tlsDir, 0o755); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	files, err := writeTLS(tlsDir, owner)
	if err != nil {
		return fmt.Errorf("pgtest: tls: %w", err)
	}
	c.CACertPath, c.OtherCACertPath, c.ServerCertPath = files.caCert, files.otherCACert, files.serverCert
	if err := os.Mkdir(c.SocketDir, 0o755); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if err := owner.chown(c.SocketDir); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	hba := filepath.Join(c.Dir, "pg_hba.conf")
	if err := os.WriteFile(hba, []byte(hbaConf()), 0o644); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	// cp -a as the server user keeps ownership and the 0700 mode the server
	// insists on.
	if err := owner.run(env, "", "cp", "-a", filepath.Join(tpl, "data"), c.DataDir); err != nil {
		return err
	}

	settings := map[string]string{
		"listen_addresses":        c.Host,
		"unix_socket_directories": c.SocketDir,
		"hba_file":                hba,
		"ssl":                     "off",
		// Throwaway data: durability only costs time.
		"fsync":              "off",
		"synchronous_commit": "off",
		"full_page_writes":   "off",
		"logging_collector":  "off",
	}
	if !opts.NoSSL {
		settings["ssl"] = "on"
		settings["ssl_cert_file"] = files.serverCert
		settings["ssl_key_file"] = files.serverKey
	}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			return err
		}
		settings["port"] = strconv.Itoa(port)
		lastErr = c.launch(ctx, owner, env, settings)
		if lastErr == nil {
			c.Port = port
			c.owner, c.env, c.settings = owner, env, settings
			break
		}
		if !errors.Is(lastErr, errPortInUse) {
			return lastErr
		}
	}
	if lastErr != nil {
		return lastErr
	}
	c.ScramPassword = randomHex(16)
	return c.ExecIn(ctx, "postgres", fmt.Sprintf("ALTER ROLE %s PASSWORD '%s'", scramUser, c.ScramPassword))
}

// hbaConf is the cluster's pg_hba.conf; the first matching line wins.
func hbaConf() string {
	return strings.Join([]string{
		"# TYPE  DATABASE USER            ADDRESS       METHOD",
		"local   all      " + superUser + "                      trust",
		"host    all      " + rejectedUser + "   127.0.0.1/32  reject",
		"host    all      " + trustUser + "      127.0.0.1/32  trust",
		"host    all      " + superUser + "        127.0.0.1/32  trust",
		"host    all      " + scramUser + "      127.0.0.1/32  scram-sha-256",
		"host    all      all             127.0.0.1/32  scram-sha-256",
	}, "\n") + "\n"
}

var errPortInUse = errors.New("port in use")

// launch starts the postmaster and waits until it accepts connections.
func (c *Cluster) launch(ctx context.Context, owner runAs, env []string, settings map[string]string) error {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	args := []string{"-D", c.DataDir}
	for _, k := range keys {
		args = append(args, "-c", k+"="+settings[k])
	}
	logPath := filepath.Join(c.Dir, "postgres.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	cmd := owner.command(env, filepath.Join(c.BinDir, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	err = cmd.Start()
	logFile.Close()
	if err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	c.PID, c.exited = cmd.Process.Pid, exited

	pidFile := filepath.Join(c.DataDir, "postmaster.pid")
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	timeout := time.NewTimer(60 * time.Second)
	defer timeout.Stop()
	for {
		// Line 8 of postmaster.pid is the postmaster's status; "ready" once
		// it accepts connections (what pg_ctl -w waits for, without its
		// 100 ms polling interval).
		if b, err := os.ReadFile(pidFile); err == nil {
			if lines := strings.Split(string(b), "\n"); len(lines) >= 8 && strings.TrimSpace(lines[7]) == "ready" {
				return nil
			}
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logPath)
			c.PID, c.exited = 0, nil
			if strings.Contains(string(log), "Address already in use") {
				return errPortInUse
			}
			return fmt.Errorf("pgtest: postgres exited during startup:\n%s", tail(string(log), 4000))
		case <-ctx.Done():
			return fmt.Errorf("pgtest: waiting for postgres to start: %w", ctx.Err())
		case <-timeout.C:
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("pgtest: postgres did not become ready within 60s:\n%s", tail(string(log), 4000))
		case <-tick.C:
		}
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago; launch
// retries with another one when the server cannot bind it.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// reaperScript waits until its stdin reaches EOF — this process exited,
// whichever way — unless told "done", then shuts the server down and removes
// the cluster directory ($1).
const reaperScript = `read -r line
[ "$line" = done ] && exit 0
pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null)
if [ -n "$pid" ]; then
	kill -INT "$pid" 2>/dev/null
	i=0
	# Wait for the exit; a zombie (no init reaps it in some containers) counts.
	while kill -0 "$pid" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)" != Z ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i+1))
	done
	kill -KILL -- "-$pid" 2>/dev/null
	kill -KILL "$pid" 2>/dev/null
fi
rm -rf "$1"
`

// startReaper starts the watchdog for this cluster. It runs in its own
// process group so that a terminal's SIGINT does not kill it first.
func (c *Cluster) startReaper() error {
	cmd := exec.Command("/bin/sh", "-c", reaperScript, "pgtest-reaper", c.Dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("pgtest: reaper: %w", err)
	}
	// Stdout and stderr stay /dev/null: a child holding the test binary's
	// output pipe would keep go test waiting.
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: reaper: %w", err)
	}
	c.reaper, c.reaperIn = cmd, in
	return nil
}

// Stop shuts the server down (fast shutdown, SIGKILL to its process group
// after 10 s) and removes Dir. On a cluster shared through
// TUSK_PGTEST_SHARED_DIR it only drops this process's database. Stop is
// idempotent and safe to call concurrently; every call returns the first
// call's result.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() { c.stopErr = c.stop() })
	return c.stopErr
}

func (c *Cluster) stop() error {
	var errs []error
	if c.dropDB != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.ExecIn(ctx, "postgres", "DROP DATABASE IF EXISTS "+quoteIdent(c.dropDB)+" WITH (FORCE)"); err != nil {
			errs = append(errs, err)
		}
	}
	if c.owned {
		if err := stopProcess(c.PID, c.exited, 10*time.Second); err != nil {
			errs = append(errs, err)
		}
		if err := os.RemoveAll(c.Dir); err != nil {
			errs = append(errs, fmt.Errorf("pgtest: %w", err))
		}
	}
	if c.reaper != nil {
		_, _ = io.WriteString(c.reaperIn, "done\n")
		_ = c.reaperIn.Close()
		_ = c.reaper.Wait()
	}
	return errors.Join(errs...)
}

// ConnString returns a keyword/value connection string for the server's TCP
// address: host=127.0.0.1 port=<Port> user=<user> password=<password>
// dbname=<db> sslmode=disable. An empty password is left out; an empty db
// means Database. Each extra is "keyword=value" and replaces the default of
// the same keyword (e.g. "sslmode=verify-full", "sslrootcert="+CACertPath)
// or is appended; values in extra are used as written, so quote them if they
// contain spaces.
func (c *Cluster) ConnString(user, password, db string, extra ...string) string {
	if db == "" {
		db = c.Database
	}
	type kv struct{ k, v string }
	params := []kv{
		{"host", quoteValue(c.Host)},
		{"port", strconv.Itoa(c.Port)},
		{"user", quoteValue(user)},
		{"password", quoteValue(password)},
		{"dbname", quoteValue(db)},
		{"sslmode", "disable"},
	}
	if password == "" {
		params = append(params[:3], params[4:]...)
	}
outer:
	for _, e := range extra {
		k, v, _ := strings.Cut(e, "=")
		k = strings.TrimSpace(k)
		for i := range params {
			if params[i].k == k {
				params[i].v = v
				continue outer
			}
		}
		params = append(params, kv{k, v})
	}
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, " ")
}

// SuperConnString returns a connection string for SuperUser over the unix
// socket, to database db (Database when empty).
func (c *Cluster) SuperConnString(db string) string {
	if db == "" {
		db = c.Database
	}
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable",
		quoteValue(c.SocketDir), c.Port, quoteValue(c.SuperUser), quoteValue(db))
}

// Exec runs sql (one or more statements, simple protocol) as SuperUser in
// Database, for fixtures. The error wraps the server's *pgconn.PgError.
func (c *Cluster) Exec(ctx context.Context, sql string) error {
	return c.ExecIn(ctx, c.Database, sql)
}

// ExecIn is Exec in database db.
func (c *Cluster) ExecIn(ctx context.Context, db, sql string) error {
	conn, err := pgconn.Connect(ctx, c.SuperConnString(db))
	if err != nil {
		return fmt.Errorf("pgtest: connect as %s: %w", c.SuperUser, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql).ReadAll(); err != nil {
		return fmt.Errorf("pgtest: exec: %w", err)
	}
	return nil
}

// quoteValue quotes a connection string value when it needs it.
func quoteValue(v string) string {
	if v != "" && !strings.ContainsAny(v, ` '\`+"\t\n") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(v) + "'"
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
