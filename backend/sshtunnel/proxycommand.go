package sshtunnel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ProxyCommand support: OpenSSH runs the command of a ProxyCommand line in
// ~/.ssh/config with the user's shell and speaks SSH over its standard input
// and output (corporate bastions, `cloudflared access ssh`, `aws ssm
// start-session`, `nc -X 5 -x proxy:1080 %h %p`, …). Tusk does the same for
// the first hop it connects to directly.

// expandProxyCommand expands the tokens OpenSSH expands in ProxyCommand:
// %h (host name), %p (port), %r (remote user), %n (the name as written) and
// %%.
func expandProxyCommand(command string, h hop) string {
	return expandTokens(command, map[byte]string{
		'h': h.hostName, 'p': strconv.Itoa(h.port), 'r': h.user, 'n': h.alias,
	})
}

// dialCommand starts command (already expanded) and returns a net.Conn over
// its standard input and output. The command runs in a process group of its
// own, which Close ends. What it writes to standard error is kept (the last
// 4 KiB) for the error message when the connection fails.
func dialCommand(ctx context.Context, command, addr string) (*commandConn, error) {
	// The pipes are *os.File, so read and write deadlines work on them
	// (the handshake's deadline needs them).
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("proxy command: %w", err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("proxy command: %w", err)
	}
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.Command("cmd", "/C", command)
	} else {
		shell := os.Getenv("SHELL")
		if shell == "" {
			shell = "/bin/sh"
		}
		cmd = exec.Command(shell, "-c", "exec "+command)
	}
	setProcessGroup(cmd)
	stderr := &tailBuffer{max: 4 << 10}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, stderr
	if err := cmd.Start(); err != nil {
		for _, f := range []*os.File{outR, outW, inR, inW} {
			f.Close()
		}
		return nil, fmt.Errorf("start the proxy command: %w", err)
	}
	// The child has its copies; ours would keep the pipes open after it exits.
	inR.Close()
	outW.Close()
	c := &commandConn{cmd: cmd, r: outR, w: inW, stderr: stderr, addr: addr, exited: make(chan struct{})}
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	if ctx.Err() != nil {
		c.Close()
		return nil, fmt.Errorf("proxy command: %w", ctx.Err())
	}
	return c, nil
}

// commandConn is a net.Conn over a proxy command's standard input and
// output. Safe for one reader and one writer at a time, like any net.Conn;
// Close may be called from any goroutine.
type commandConn struct {
	cmd     *exec.Cmd
	r, w    *os.File
	stderr  *tailBuffer
	addr    string
	exited  chan struct{}
	waitErr error

	closeOnce sync.Once
}

func (c *commandConn) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && n == 0 {
		return 0, c.failure(err)
	}
	return n, nil
}

func (c *commandConn) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if err != nil {
		return n, c.failure(err)
	}
	return n, nil
}

// failure explains a read or write error: when the command has exited, it
// says so with what it wrote to standard error.
func (c *commandConn) failure(err error) error {
	select {
	case <-c.exited:
	case <-time.After(100 * time.Millisecond):
		return err
	}
	msg := strings.TrimSpace(c.stderr.String())
	pe := &ProxyCommandError{Err: err, Stderr: msg}
	if c.waitErr != nil {
		pe.Exit = c.waitErr.Error()
	}
	return pe
}

// Close closes the pipes and ends the command's process group.
func (c *commandConn) Close() error {
	c.closeOnce.Do(func() {
		c.w.Close()
		c.r.Close()
		killProcessGroup(c.cmd)
		select {
		case <-c.exited:
		case <-time.After(2 * time.Second):
		}
	})
	return nil
}

func (c *commandConn) LocalAddr() net.Addr  { return commandAddr("proxy-command") }
func (c *commandConn) RemoteAddr() net.Addr { return commandAddr(c.addr) }

func (c *commandConn) SetDeadline(t time.Time) error {
	return errors.Join(c.r.SetReadDeadline(t), c.w.SetWriteDeadline(t))
}
func (c *commandConn) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *commandConn) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

// commandAddr is the address of a proxied connection.
type commandAddr string

func (a commandAddr) Network() string { return "proxy-command" }
func (a commandAddr) String() string  { return string(a) }

// ProxyCommandError reports that the ProxyCommand of ~/.ssh/config ended
// or failed before the SSH connection was up.
type ProxyCommandError struct {
	Err    error
	Exit   string // how the command ended ("exit status 1"), "" while running
	Stderr string // the last of what it wrote to standard error
}

func (e *ProxyCommandError) Error() string {
	msg := "the ProxyCommand of ~/.ssh/config failed"
	if e.Exit != "" {
		msg += " (" + e.Exit + ")"
	}
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	}
	return msg
}

func (e *ProxyCommandError) Unwrap() error { return e.Err }

// ProxyCommandFailed is how apperr recognises the error (it cannot import
// this package): the sentence for the user.
func (e *ProxyCommandError) ProxyCommandFailed() string { return e.Error() }

// tailBuffer keeps the last max bytes written to it. Safe for concurrent use.
type tailBuffer struct {
	max int
	mu  sync.Mutex
	b   bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.Write(p)
	if over := t.b.Len() - t.max; over > 0 {
		t.b.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}
