package sshtunnel_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/sshtest"
	"github.com/tusk-app/tusk/backend/sshtunnel"
)

// closedPort returns a port on 127.0.0.1 nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}

func TestSilentServerHandshakeTimeout(t *testing.T) {
	t.Parallel()
	addr := sshtest.SilentServer(t)
	host, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	cfg := sshtunnel.Config{Host: host, Port: port, User: "x", AuthMethod: sshtunnel.AuthKey,
		KeyPath:          sshtest.NewKey(t, t.TempDir(), "id", sshtest.ED25519, "").Path,
		HandshakeTimeout: 300 * time.Millisecond}
	deps := sshtunnel.Deps{Home: t.TempDir()}

	start := time.Now()
	_, err := open(t, cfg, deps)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("a silent server completed a handshake")
	}
	if elapsed < 250*time.Millisecond || elapsed > 3*time.Second {
		t.Fatalf("gave up after %s, want about 300ms", elapsed)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !strings.Contains(err.Error(), "did not finish within 300ms") {
		t.Fatalf("got %v, want a handshake timeout", err)
	}
	wantKind(t, err, apperr.SSH, addr)
	t.Logf("silent server: %v after %s", err, elapsed.Round(time.Millisecond))

	// ctx bounds the handshake too, and its cancellation is reported as such.
	cfg.HandshakeTimeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start = time.Now()
	_, err = sshtunnel.Open(ctx, cfg, deps)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Fatalf("cancelled after %s: %v", time.Since(start), err)
	}
	wantKind(t, err, apperr.Cancelled, "") // a cancel needs no hop
}

func TestConnectRefused(t *testing.T) {
	t.Parallel()
	port := closedPort(t)
	cfg := sshtunnel.Config{Host: "127.0.0.1", Port: port, AuthMethod: sshtunnel.AuthKey,
		KeyPath: sshtest.NewKey(t, t.TempDir(), "id", sshtest.ED25519, "").Path}
	_, err := open(t, cfg, sshtunnel.Deps{Home: t.TempDir()})
	// The SSH step failed: reported as SSH, with the network's own message.
	ae := wantKind(t, err, apperr.SSH, "127.0.0.1:"+strconv.Itoa(port))
	if !strings.Contains(ae.Message, "refused") {
		t.Errorf("message %q", ae.Message)
	}
}

func TestTunnelDeath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	cfg.KeepAliveInterval = -1 // only the dropped connection can tell
	tun := mustOpen(t, cfg, e.deps())
	roundTrip(t, tun, e.echo)
	c, err := tun.DialContext(context.Background(), "tcp", e.echo)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	if err := e.srv.Kill(); err != nil {
		t.Fatal(err)
	}
	took := waitDone(t, tun, 5*time.Second)
	t.Logf("death noticed after %s", took)
	err = tun.Err()
	var he *sshtunnel.HopError
	if !errors.Is(err, sshtunnel.ErrTunnelDown) || !errors.As(err, &he) || he.Hop != e.srv.Addr || he.Jump {
		t.Fatalf("Err() = %v", err)
	}
	if !strings.Contains(err.Error(), "connection lost") {
		t.Errorf("Err() text %q", err)
	}
	_, err = tun.DialContext(context.Background(), "tcp", e.echo)
	if !errors.Is(err, sshtunnel.ErrTunnelDown) || !errors.Is(err, net.ErrClosed) || !strings.Contains(err.Error(), "forward to "+e.echo) {
		t.Fatalf("DialContext on a dead tunnel: %v", err)
	}
	wantKind(t, err, apperr.SSH, e.srv.Addr)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a connection of the dead tunnel still reads: %v", err)
	}
}

func TestKeepAliveDetectsFrozenServer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.config()
	cfg.KeepAliveInterval, cfg.KeepAliveMaxMissed = 100*time.Millisecond, 3
	tun := mustOpen(t, cfg, e.deps())
	roundTrip(t, tun, e.echo)
	time.Sleep(350 * time.Millisecond) // several keepalives answered
	select {
	case <-tun.Done():
		t.Fatalf("a live tunnel died: %v", tun.Err())
	default:
	}

	if err := e.srv.Pause(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = e.srv.Resume() }()
	took := waitDone(t, tun, 5*time.Second)
	var ka *sshtunnel.KeepAliveError
	if !errors.As(tun.Err(), &ka) || ka.Missed != 3 || !errors.Is(tun.Err(), sshtunnel.ErrTunnelDown) {
		t.Fatalf("Err() = %v", tun.Err())
	}
	if took > 2*time.Second {
		t.Errorf("a frozen server was noticed after %s", took)
	}
	t.Logf("frozen server noticed after %s: %v", took, tun.Err())
	_, err := tun.DialContext(context.Background(), "tcp", e.echo)
	if !errors.As(err, &ka) {
		t.Fatalf("DialContext after keepalive death: %v", err)
	}
}

func TestForwardRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tun := mustOpen(t, e.config(), e.deps())
	target := "127.0.0.1:" + strconv.Itoa(closedPort(t))
	_, err := tun.DialContext(context.Background(), "tcp", target)
	var oce *ssh.OpenChannelError
	if !errors.As(err, &oce) || !strings.Contains(err.Error(), "forward to "+target) {
		t.Fatalf("got %v, want an *ssh.OpenChannelError", err)
	}
	ae := wantKind(t, err, apperr.SSH, e.srv.Addr)
	if !strings.Contains(ae.Message, "refused") {
		t.Errorf("message %q", ae.Message)
	}
	if _, err := tun.DialContext(context.Background(), "udp", target); err == nil {
		t.Fatal("udp forwarded")
	}
	roundTrip(t, tun, e.echo) // the tunnel survives a refused forward
}

func TestConcurrentDials(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tun := mustOpen(t, e.config(), e.deps())
	const n = 32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := tun.DialContext(context.Background(), "tcp", e.echo)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			msg := strings.Repeat(fmt.Sprintf("conn %02d ", i), 4096) // 32 KiB, more than one copy buffer
			go func() { _, _ = io.WriteString(c, msg) }()
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(c, got); err != nil {
				errs <- err
				return
			}
			if string(got) != msg {
				errs <- fmt.Errorf("conn %d: data mixed up", i)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDeadlineOnForwardedConn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tun := mustOpen(t, e.config(), e.deps())
	c, err := tun.DialContext(context.Background(), "tcp", e.echo)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.RemoteAddr().String() != e.echo {
		t.Errorf("RemoteAddr = %v", c.RemoteAddr())
	}
	// Nothing to read: the deadline interrupts the read …
	if err := c.SetReadDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	var ne net.Error
	if _, err := c.Read(make([]byte, 1)); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read past the deadline: %v", err)
	}
	// … and the connection still works afterwards.
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "ping"); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping" {
		t.Fatalf("after the timeout: %q %v", got, err)
	}
}

func TestLookupPassthrough(t *testing.T) {
	got, err := sshtunnel.LookupPassthrough(context.Background(), "db.internal")
	if err != nil || len(got) != 1 || got[0] != "db.internal" {
		t.Fatalf("got %q, %v", got, err)
	}
}
