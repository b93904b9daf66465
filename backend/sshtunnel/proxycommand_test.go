package sshtunnel_test

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/sshtunnel"
)

// proxyToEnv makes the test binary a ProxyCommand (see TestMain).
const proxyToEnv = "TUSK_TEST_PROXY_TO"

// proxyMarkEnv names a file the proxy writes its target to, to prove it ran.
const proxyMarkEnv = "TUSK_TEST_PROXY_MARK"

// proxyStdio copies standard input to a TCP connection to addr and the
// connection to standard output.
func proxyStdio(addr string) int {
	if mark := os.Getenv(proxyMarkEnv); mark != "" {
		_ = os.WriteFile(mark, []byte(addr), 0o600)
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy: cannot reach", addr+":", err)
		return 2
	}
	go func() {
		_, _ = io.Copy(c, os.Stdin)
		_ = c.(*net.TCPConn).CloseWrite()
	}()
	_, _ = io.Copy(os.Stdout, c)
	return 0
}

// TestProxyCommand: a host whose ~/.ssh/config entry has a ProxyCommand is
// reached through that command, with %h and %p expanded; a command that
// fails is an SSH error that quotes what it printed.
func TestProxyCommand(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mark := filepath.Join(t.TempDir(), "proxy-used")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(e.home, ".ssh", "config"), fmt.Sprintf(`
Host behind-proxy
    HostName %s
    Port %d
    User %s
    ProxyCommand env %s=%%h:%%p %s=%s "%s" -test.run=^$

Host broken-proxy
    HostName %s
    Port %d
    ProxyCommand sh -c 'echo "proxy: no route to %%h" >&2; exit 3'
`, e.srv.Host, e.srv.Port, e.srv.User, proxyToEnv, proxyMarkEnv, mark, self, e.srv.Host, e.srv.Port))
	cfg := sshtunnel.Config{Host: "behind-proxy", AuthMethod: sshtunnel.AuthKey, KeyPath: e.key.Path}
	tun := mustOpen(t, cfg, e.deps())
	roundTrip(t, tun, e.echo)
	tun.Close()
	if got, err := os.ReadFile(mark); err != nil || string(got) != fmt.Sprintf("%s:%d", e.srv.Host, e.srv.Port) {
		t.Fatalf("the ProxyCommand did not carry the connection (%q, %v)", got, err)
	}

	cfg.Host = "broken-proxy"
	_, err = open(t, cfg, e.deps())
	info := apperr.Info(err)
	if info.Kind != apperr.SSH || !strings.Contains(info.Message, "ProxyCommand") || !strings.Contains(info.Message, "no route to "+e.srv.Host) {
		t.Fatalf("a failing ProxyCommand: %+v (%v)", info, err)
	}
}
