package sshtest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// SSHDPath is the OpenSSH server binary the harness runs (package
// openssh-server on Debian/Ubuntu).
const SSHDPath = "/usr/sbin/sshd"

// Options tunes Start. The zero value starts a server with an ed25519 and
// an ECDSA host key that accepts no key yet (Authorize adds some) but
// accepts the account's password.
type Options struct {
	// AuthorizedKeys are accepted for Server.User from the start.
	AuthorizedKeys []ssh.PublicKey
	// HostKeyTypes are the host keys the server offers; nil means ED25519
	// and ECDSA.
	HostKeyTypes []KeyType
	// Config holds extra sshd_config lines, appended after the harness's.
	Config []string
}

// Server is a throwaway sshd listening on 127.0.0.1 at a free port, with its
// own host keys, configuration and authorized_keys file in a temporary
// directory. Start registers Stop with t.Cleanup. Its exported fields are
// set by Start and never change; its methods are safe for concurrent use.
type Server struct {
	// Host is "127.0.0.1"; Port the TCP port; Addr "127.0.0.1:port".
	Host string
	Port int
	Addr string
	// User is the login the server accepts: LoginUser as root, else the
	// current user.
	User string
	// Password is User's password; "" when the tests do not run as root
	// and password authentication cannot work.
	Password string
	// HostKeys are the server's host keys by type.
	HostKeys map[KeyType]*Key
	// Dir is the server's temporary directory; Stop removes it.
	Dir string
	// LogPath is sshd's log (LogLevel VERBOSE).
	LogPath string

	authMu sync.Mutex // serialises Authorize
	pid    int
	exited chan struct{}
	stop   sync.Once
}

// requireSSHD skips the test when sshd is not installed, or fails it when
// CI=true.
func requireSSHD(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(SSHDPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("sshtest: %s is missing (CI=true: install openssh-server): %v", SSHDPath, err)
		}
		t.Skipf("sshtest: %s is missing (install openssh-server): %v", SSHDPath, err)
	}
}

// Start starts a server and waits until it answers with its SSH banner
// (about 25 ms). It skips the test when sshd is not installed, unless
// CI=true, where it fails it. Running as root, it creates LoginUser on first
// use (see LoginUser) and /run/sshd.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	requireSSHD(t)
	acct, err := loginAccount()
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("sshtest: %v", err)
		}
	}
	dir, err := os.MkdirTemp("", "tusk-sshd-")
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	// The login user reads authorized_keys from here.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	s := &Server{
		Host: "127.0.0.1", User: acct.user, Password: acct.password,
		HostKeys: map[KeyType]*Key{}, Dir: dir,
		LogPath: filepath.Join(dir, "sshd.log"),
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("sshtest: %v", err)
		}
	})
	types := opts.HostKeyTypes
	if types == nil {
		types = []KeyType{ED25519, ECDSA}
	}
	for _, typ := range types {
		s.HostKeys[typ] = NewKey(t, dir, "ssh_host_"+string(typ)+"_key", typ, "")
	}
	var authorized strings.Builder
	for _, k := range opts.AuthorizedKeys {
		authorized.Write(ssh.MarshalAuthorizedKey(k))
	}
	if err := os.WriteFile(s.authorizedKeysPath(), []byte(authorized.String()), 0o644); err != nil {
		t.Fatalf("sshtest: %v", err)
	}

	for attempt := 0; ; attempt++ {
		err := s.launch(types, opts.Config)
		if err == nil {
			break
		}
		if attempt < 3 && strings.Contains(s.Log(), "Address already in use") {
			continue // another process took the free port first
		}
		t.Fatalf("sshtest: %v\nsshd log:\n%s", err, s.Log())
	}
	return s
}

func (s *Server) authorizedKeysPath() string { return filepath.Join(s.Dir, "authorized_keys") }

// launch writes the configuration for a fresh port and starts sshd.
func (s *Server) launch(types []KeyType, extra []string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.Port, s.Addr = port, net.JoinHostPort(s.Host, strconv.Itoa(port))
	lines := []string{
		"Port " + strconv.Itoa(port),
		"ListenAddress " + s.Host,
		"PidFile " + filepath.Join(s.Dir, "sshd.pid"),
		"AuthorizedKeysFile " + s.authorizedKeysPath(),
		"AllowUsers " + s.User,
		"StrictModes no",
		"UsePAM no",
		"PubkeyAuthentication yes",
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication no",
		"PermitRootLogin no",
		"AllowTcpForwarding yes",
		"AllowStreamLocalForwarding yes",
		"PermitTTY no",
		"X11Forwarding no",
		"PrintMotd no",
		"MaxAuthTries 20",
		"MaxStartups 100:30:200",
		"MaxSessions 100",
		"LogLevel VERBOSE",
	}
	for _, typ := range types {
		lines = append(lines, "HostKey "+s.HostKeys[typ].Path)
	}
	lines = append(lines, extra...)
	cfgPath := filepath.Join(s.Dir, "sshd_config")
	if err := os.WriteFile(cfgPath, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	logFile, err := os.OpenFile(s.LogPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(SSHDPath, "-D", "-e", "-f", cfgPath)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Dir = "/"
	// Own process group (a terminal's Ctrl-C reaches only the test binary),
	// and killed with its parent if the test binary dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start sshd: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.pid, s.exited = cmd.Process.Pid, exited
	return s.waitReady(10 * time.Second)
}

// waitReady waits for the SSH banner.
func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-s.exited:
			return errors.New("sshd exited during startup")
		default:
		}
		if banner(s.Addr) {
			return nil
		}
		if time.Now().After(deadline) {
			_ = killTree(s.pid, syscall.SIGKILL)
			return fmt.Errorf("sshd did not answer on %s within %s", s.Addr, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// banner reports whether addr answers with an SSH identification string.
func banner(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "SSH-2.0-")
}

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Authorize adds keys to the server's authorized_keys for User; sshd reads
// the file at every login. It fails the test on error.
func (s *Server) Authorize(t testing.TB, keys ...ssh.PublicKey) {
	t.Helper()
	s.authMu.Lock()
	defer s.authMu.Unlock()
	f, err := os.OpenFile(s.authorizedKeysPath(), os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	defer f.Close()
	for _, k := range keys {
		if _, err := f.Write(ssh.MarshalAuthorizedKey(k)); err != nil {
			t.Fatalf("sshtest: %v", err)
		}
	}
}

// KnownHosts returns the known_hosts lines of the server's host keys of the
// given types (all of them when none are given), for "[127.0.0.1]:port".
func (s *Server) KnownHosts(types ...KeyType) []string {
	if len(types) == 0 {
		types = []KeyType{ED25519, ECDSA}
	}
	var lines []string
	for _, typ := range types {
		if k, ok := s.HostKeys[typ]; ok {
			lines = append(lines, KnownHostsLine(s.Host, s.Port, k.PublicKey()))
		}
	}
	return lines
}

// WrongKnownHosts returns known_hosts lines that record other keys, of the
// given types (ED25519 and ECDSA when none are given), for the server's
// address: what a client sees after the host was reinstalled, or when
// someone intercepts the connection.
func (s *Server) WrongKnownHosts(t testing.TB, types ...KeyType) []string {
	t.Helper()
	if len(types) == 0 {
		types = []KeyType{ED25519, ECDSA}
	}
	var lines []string
	for _, typ := range types {
		priv, err := generate(typ)
		if err != nil {
			t.Fatalf("sshtest: %v", err)
		}
		signer, err := ssh.NewSignerFromKey(priv)
		if err != nil {
			t.Fatalf("sshtest: %v", err)
		}
		lines = append(lines, KnownHostsLine(s.Host, s.Port, signer.PublicKey()))
	}
	return lines
}

// Log returns what sshd has logged so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.LogPath)
	return string(b)
}

// Kill kills sshd and every process it forked (the per-connection
// processes live in their own sessions) with SIGKILL, as a crash or a
// pulled cable would: open connections break at once. Stop still cleans
// up afterwards.
func (s *Server) Kill() error {
	if err := s.signal(syscall.SIGKILL); err != nil {
		return err
	}
	select {
	case <-s.exited:
		return nil
	case <-time.After(5 * time.Second):
		return fmt.Errorf("sshd %d did not exit", s.pid)
	}
}

// Pause stops (SIGSTOP) sshd and its connection processes: the server then
// accepts TCP connections into its backlog but answers nothing, like a host
// that froze. Resume undoes it.
func (s *Server) Pause() error { return s.signal(syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (s *Server) Resume() error { return s.signal(syscall.SIGCONT) }

// signal signals the server's process tree unless sshd has exited (its pid
// may then belong to another process).
func (s *Server) signal(sig syscall.Signal) error {
	if s.exited == nil {
		return nil
	}
	select {
	case <-s.exited:
		return nil
	default:
		return killTree(s.pid, sig)
	}
}

// Stop kills the server and its connection processes and removes its
// directory. It is idempotent; Start registers it with t.Cleanup.
func (s *Server) Stop() error {
	var err error
	s.stop.Do(func() {
		if s.exited != nil {
			err = s.Kill()
		}
		if rmErr := os.RemoveAll(s.Dir); rmErr != nil && err == nil {
			err = rmErr
		}
	})
	return err
}

// killTree sends sig to pid and all its descendants. For SIGKILL it first
// freezes the tree with SIGSTOP until no new process appears (a connection
// process may be forking its unprivileged child right now), so that no
// process escapes to PID 1 with a connection still open.
func killTree(pid int, sig syscall.Signal) error {
	if pid <= 0 {
		return nil
	}
	procs := descendants(pid)
	if sig == syscall.SIGKILL {
		for round := 0; round < 50; round++ {
			_ = syscall.Kill(pid, syscall.SIGSTOP)
			for _, p := range procs {
				_ = syscall.Kill(p, syscall.SIGSTOP)
			}
			time.Sleep(time.Millisecond)
			again := descendants(pid)
			if sameSet(procs, again) {
				break
			}
			procs = again
		}
	}
	for i := len(procs) - 1; i >= 0; i-- {
		_ = syscall.Kill(procs[i], sig)
		_ = syscall.Kill(-procs[i], sig) // its process group, if it leads one
	}
	if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("signal sshd %d: %w", pid, err)
	}
	_ = syscall.Kill(-pid, sig) // the rest of its process group
	return nil
}

func sameSet(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[int]bool, len(a))
	for _, p := range a {
		seen[p] = true
	}
	for _, p := range b {
		if !seen[p] {
			return false
		}
	}
	return true
}

// descendants lists the processes below pid, parents before children, from
// /proc.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may contain spaces and parentheses.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		ppid, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		children[ppid] = append(children[ppid], p)
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}
