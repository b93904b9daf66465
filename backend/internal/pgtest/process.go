package pgtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverOSUser is the OS account the server runs as when the tests run as
// root: PostgreSQL refuses to run as root.
const serverOSUser = "postgres"

// runAs is the OS identity the server binaries run as.
type runAs struct {
	cred     *syscall.Credential // nil: run as the current user
	uid, gid int
}

// serverUser returns the identity for the server: the current user, or the
// postgres OS user when running as root.
func serverUser() (runAs, error) {
	if os.Geteuid() != 0 {
		return runAs{uid: os.Geteuid(), gid: os.Getegid()}, nil
	}
	u, err := user.Lookup(serverOSUser)
	if err != nil {
		return runAs{}, fmt.Errorf("pgtest: running as root needs the %q OS user to run the server: %w", serverOSUser, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return runAs{}, fmt.Errorf("pgtest: uid of %s: %w", serverOSUser, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return runAs{}, fmt.Errorf("pgtest: gid of %s: %w", serverOSUser, err)
	}
	return runAs{
		cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}},
		uid:  uid, gid: gid,
	}, nil
}

// chown gives path to the server's user; a no-op when not running as root.
func (r runAs) chown(path string) error {
	if r.cred == nil {
		return nil
	}
	return os.Chown(path, r.uid, r.gid)
}

// command builds a command that runs as the server's user in its own process
// group, so a terminal's Ctrl-C reaches only the test binary (which then stops
// the cluster in order) and a kill of the group reaches every backend.
func (r runAs) command(env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.cred, Setpgid: true}
	return cmd
}

// run runs a command to completion and includes its output in the error.
func (r runAs) run(env []string, stdin string, name string, args ...string) error {
	cmd := r.command(env, name, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgtest: %s: %w\n%s", name, err, tail(out.String(), 2000))
	}
	return nil
}

// childEnv is the environment of the server binaries: ours without PG*
// variables (PGDATA, PGPORT, … change what initdb and postgres do) and with a
// fixed locale and time zone. A fixed TZ also spares initdb its time zone
// probe.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "LC_") || k == "LANG" || k == "LANGUAGE" || k == "TZ" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "TZ=UTC")
}

// alive reports whether pid names a running (not zombie) process.
func alive(pid int) bool {
	if pid <= 0 || syscall.Kill(pid, 0) != nil {
		return false
	}
	// A server whose parent exited without reaping it (pgtestd) can linger
	// as a zombie where PID 1 does not reap; it is gone for our purposes.
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

// stopProcess shuts a postmaster down: SIGINT (fast shutdown: abort
// transactions, disconnect clients, checkpoint), then SIGKILL to its whole
// process group after grace. exited, when not nil, is closed once the
// process has been reaped.
func stopProcess(pid int, exited <-chan struct{}, grace time.Duration) error {
	if pid <= 0 {
		return nil
	}
	wait := func(d time.Duration) bool {
		deadline := time.NewTimer(d)
		defer deadline.Stop()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if exited != nil {
				select {
				case <-exited:
					return true
				case <-deadline.C:
					return false
				case <-tick.C:
				}
				continue
			}
			if !alive(pid) {
				return true
			}
			select {
			case <-deadline.C:
				return !alive(pid)
			case <-tick.C:
			}
		}
	}
	if exited == nil && !alive(pid) {
		return nil
	}
	_ = syscall.Kill(pid, syscall.SIGINT)
	if wait(grace) {
		return nil
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	_ = syscall.Kill(pid, syscall.SIGKILL)
	if wait(5 * time.Second) {
		return nil
	}
	return fmt.Errorf("pgtest: server process %d did not exit", pid)
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
