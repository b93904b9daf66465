package sshtunnel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// Deps are the tunnel's links to the outside world. The zero value works:
// no stored secrets, no prompting, the real home directory, $SSH_AUTH_SOCK
// and the system dialer.
type Deps struct {
	// Secrets supplies the stored password or key passphrase; nil means
	// none is stored.
	Secrets Secrets
	// Prompt asks the user for a secret that is not stored; nil means
	// never ask (Open fails with a *CredentialNeededError instead).
	Prompt Prompt
	// Home replaces the user's home directory for "~", ~/.ssh/config,
	// ~/.ssh/known_hosts and the default key files; "" means
	// os.UserHomeDir.
	Home string
	// SSHConfigPath is the OpenSSH client configuration; "" means
	// <Home>/.ssh/config. A missing file is fine.
	SSHConfigPath string
	// UserKnownHosts is the user's known_hosts file; "" means
	// <Home>/.ssh/known_hosts. A missing file is fine.
	UserKnownHosts string
	// TuskKnownHosts is Tusk's own known_hosts file (<data dir>/known_hosts),
	// also consulted, and the file to pass to AcceptHostKey; "" for none.
	TuskKnownHosts string
	// AgentSocket is the SSH agent's unix socket; "" means $SSH_AUTH_SOCK.
	AgentSocket string
	// LocalUser is the login used when neither Config nor ~/.ssh/config
	// names one; "" means the name of the user running Tusk.
	LocalUser string
	// Dial opens the TCP connection to the first hop; nil means a
	// net.Dialer. The context carries the handshake deadline.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Tunnel is an open SSH connection (through its jump hosts, if any) that
// forwards connections to addresses reachable from the SSH server. One
// Tunnel carries any number of connections, each an SSH channel: a whole
// pgx pool shares one Tunnel.
//
// A Tunnel is safe for concurrent use. It lives until Close is called or the
// connection dies (the server goes away, or KeepAliveMaxMissed keepalives in
// a row go unanswered); then Done is closed and Err says why.
type Tunnel struct {
	route   []hop
	clients []*ssh.Client // parallel to route; the last one forwards

	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup // background goroutines
	mu   sync.Mutex     // guards err
	err  error
}

// Open connects to the SSH server described by cfg, crossing its jump hosts,
// and returns the tunnel. It validates cfg first (an apperr Validation
// error), then for each hop opens TCP (directly for the first, through the
// previous hop's SSH connection for the others) and runs the handshake, each
// bounded by cfg.HandshakeTimeout as well as by ctx; ctx does not limit the
// tunnel's life afterwards.
//
// Errors after validation are *HopError values naming the hop; see HopError
// for the causes callers can test for (an unknown or changed host key, a
// missing passphrase or password, a wrong passphrase, a rejected login).
func Open(ctx context.Context, cfg Config, deps Deps) (*Tunnel, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	home := deps.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	sshConfigPath := deps.SSHConfigPath
	if sshConfigPath == "" {
		sshConfigPath = filepath.Join(home, ".ssh", "config")
	}
	userKnownHosts := deps.UserKnownHosts
	if userKnownHosts == "" {
		userKnownHosts = filepath.Join(home, ".ssh", "known_hosts")
	}
	agentSocket := deps.AgentSocket
	if agentSocket == "" {
		agentSocket = os.Getenv("SSH_AUTH_SOCK")
	}
	localName := deps.LocalUser
	if localName == "" {
		localName = localUser()
	}

	sshConfig, err := LoadSSHConfig(sshConfigPath, home)
	if err != nil {
		return nil, &HopError{Hop: cfg.Host, Err: err}
	}
	route, err := resolveRoute(cfg, sshConfig, localName)
	if err != nil {
		return nil, &HopError{Hop: cfg.Host, Err: err}
	}
	extra := ""
	if cfg.KnownHostsPath != "" {
		extra = expandTilde(cfg.KnownHostsPath, home)
	}
	keys, err := loadHostKeys(userKnownHosts, extra, deps.TuskKnownHosts)
	if err != nil {
		return nil, &HopError{Hop: route[0].label(), Jump: route[0].jump, Err: err}
	}
	creds := &credentials{cfg: cfg, secrets: deps.Secrets, prompt: deps.Prompt}
	defer creds.close()

	t := &Tunnel{route: route, done: make(chan struct{})}
	for _, h := range route {
		var via *ssh.Client
		if n := len(t.clients); n > 0 {
			via = t.clients[n-1]
		}
		c, err := connectHop(ctx, cfg, deps, h, via, keys, creds, home, agentSocket)
		if err != nil {
			t.closeClients()
			return nil, &HopError{Hop: h.label(), Jump: h.jump, Err: err}
		}
		t.clients = append(t.clients, c)
	}
	t.start(cfg.keepAlive())
	return t, nil
}

// start launches the watchers of every hop and the keepalive loop.
func (t *Tunnel) start(interval time.Duration, maxMissed int) {
	exited := make([]chan struct{}, len(t.clients))
	for i := range t.clients {
		exited[i] = make(chan struct{})
	}
	for i, c := range t.clients {
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			err := c.Wait()
			close(exited[i])
			t.lost(i, err, exited)
		}()
	}
	if interval > 0 {
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			t.keepAlive(interval, maxMissed)
		}()
	}
}

// lost marks the tunnel dead after hop i's connection ended. When a jump
// host drops, the hops behind it drop too, maybe first: the earliest hop
// that ends within a short grace period is blamed.
func (t *Tunnel) lost(i int, cause error, exited []chan struct{}) {
	if i > 0 {
		grace := time.NewTimer(50 * time.Millisecond)
		select {
		case <-grace.C:
		case <-t.done:
		}
		grace.Stop()
		for j := 0; j < i; j++ {
			select {
			case <-exited[j]:
				return // hop j reports it
			default:
			}
		}
	}
	select {
	case <-t.done:
		return
	default:
	}
	if cause == nil {
		cause = errors.New("the server closed the connection")
	}
	h := t.route[i]
	t.shutdown(&HopError{Hop: h.label(), Jump: h.jump, Err: fmt.Errorf("%w: connection lost: %w", ErrTunnelDown, cause)})
}

// keepAlive sends keepalive@openssh.com every interval through the whole
// route and declares the tunnel dead after maxMissed intervals without a
// reply.
func (t *Tunnel) keepAlive(interval time.Duration, maxMissed int) {
	c := t.clients[len(t.clients)-1]
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var pending chan error // nil when no request is outstanding
	missed := 0
	for {
		select {
		case <-t.done:
			return
		case err := <-pending:
			pending = nil
			if err != nil {
				return // the connection ended; its watcher reports why
			}
			missed = 0
		case <-ticker.C:
			if pending != nil {
				missed++
				if missed >= maxMissed {
					h := t.route[len(t.route)-1]
					t.shutdown(&HopError{Hop: h.label(), Err: fmt.Errorf("%w: %w", ErrTunnelDown, &KeepAliveError{Missed: missed, Interval: interval})})
					return
				}
				continue
			}
			pending = make(chan error, 1)
			t.wg.Add(1)
			go func(reply chan<- error) {
				defer t.wg.Done()
				// Any reply, even a failure, proves the server alive.
				// Closing the client ends a request left without one.
				_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
				reply <- err
			}(pending)
		}
	}
}

// shutdown records why the tunnel ended (the first call wins), closes Done
// and closes every hop, last first.
func (t *Tunnel) shutdown(cause error) {
	t.once.Do(func() {
		t.mu.Lock()
		t.err = cause
		t.mu.Unlock()
		close(t.done)
		t.closeClients()
	})
}

func (t *Tunnel) closeClients() {
	for i := len(t.clients) - 1; i >= 0; i-- {
		_ = t.clients[i].Close()
	}
}

// Close closes the tunnel and every connection it carries, and waits for its
// goroutines to end. It is idempotent and safe to call concurrently; it
// returns nil. Err then returns ErrClosed unless the tunnel had died before.
func (t *Tunnel) Close() error {
	t.shutdown(ErrClosed)
	t.wg.Wait()
	return nil
}

// Done returns a channel that is closed when the tunnel has ended: closed,
// or dead.
func (t *Tunnel) Done() <-chan struct{} { return t.done }

// Err returns nil while the tunnel is up; afterwards ErrClosed after Close,
// or a *HopError wrapping ErrTunnelDown and the cause (the connection
// dropped, keepalives went unanswered) naming the hop that failed.
func (t *Tunnel) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Hops names the SSH servers of the route in order, jump hosts first, as
// HopError.Hop does.
func (t *Tunnel) Hops() []string {
	out := make([]string, len(t.route))
	for i, h := range t.route {
		out[i] = h.label()
	}
	return out
}

// DialContext opens a connection to addr as seen from the SSH server: a
// direct-tcpip channel for network "tcp", "tcp4" or "tcp6" (addr is
// host:port, host resolved by the server), a direct-streamlocal channel for
// "unix" (addr is a socket path on the server). Its signature is pgconn's
// DialFunc. The returned net.Conn supports deadlines (pgx needs them to
// cancel), reports addr as its RemoteAddr, and is closed when the tunnel
// ends.
//
// Errors are *HopError values naming the SSH server: the server refused the
// forward (*ssh.OpenChannelError), the tunnel is down (ErrTunnelDown, also
// matching net.ErrClosed) or closed (ErrClosed), or ctx ended.
func (t *Tunnel) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	h := t.route[len(t.route)-1]
	fail := func(err error) error {
		return &HopError{Hop: h.label(), Err: fmt.Errorf("forward to %s: %w", addr, err)}
	}
	switch network {
	case "tcp", "tcp4", "tcp6", "unix":
	default:
		return nil, fail(net.UnknownNetworkError(network))
	}
	if err := t.deadErr(addr); err != nil {
		return nil, err
	}
	ch, err := t.clients[len(t.clients)-1].DialContext(ctx, network, addr)
	if err != nil {
		if dead := t.deadErr(addr); dead != nil {
			return nil, dead
		}
		return nil, fail(err)
	}
	return newChannelConn(ch, network, addr), nil
}

// deadErr returns the error for a dial to addr on an ended tunnel, nil
// while the tunnel is up.
func (t *Tunnel) deadErr(addr string) error {
	select {
	case <-t.done:
	default:
		return nil
	}
	err := t.Err()
	var he *HopError
	if errors.As(err, &he) {
		return fmt.Errorf("forward to %s: %w", addr, err)
	}
	h := t.route[len(t.route)-1]
	return &HopError{Hop: h.label(), Err: fmt.Errorf("forward to %s: %w", addr, err)}
}

// LookupPassthrough is a pgconn LookupFunc for connections through a
// tunnel: it returns host unchanged, so that the SSH server, not this
// machine, resolves the database host's name.
func LookupPassthrough(_ context.Context, host string) ([]string, error) {
	return []string{host}, nil
}
