package sshtunnel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// connectHop opens one hop: TCP (or a channel through via), then the SSH
// handshake, within cfg's handshake timeout and ctx. Time spent in Prompt
// does not count against the timeout.
func connectHop(ctx context.Context, cfg Config, deps Deps, h hop, via *ssh.Client, keys *hostKeys, creds *credentials, home, agentSocket string) (*ssh.Client, error) {
	timeout := cfg.handshakeTimeout()
	clock := &handshakeClock{timeout: timeout}
	methods, err := creds.authMethods(ctx, h, home, agentSocket, clock)
	if err != nil {
		return nil, err
	}

	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var conn net.Conn
	if via == nil && h.proxyCommand != "" {
		c, err := dialCommand(dctx, h.proxyCommand, h.addr())
		if err != nil {
			return nil, err
		}
		conn = c
	} else if via == nil {
		dial := deps.Dial
		if dial == nil {
			dial = (&net.Dialer{}).DialContext
		}
		conn, err = dial(dctx, "tcp", h.addr())
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("connect: %w", ctx.Err())
			}
			return nil, fmt.Errorf("connect: %w", err)
		}
	} else {
		ch, err := via.DialContext(dctx, "tcp", h.addr())
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("connect through the jump host: %w", ctx.Err())
			}
			return nil, fmt.Errorf("connect through the jump host: %w", err)
		}
		conn = newChannelConn(ch, "tcp", h.addr())
	}

	// x/crypto's Timeout bounds only the TCP connect: a server that accepts
	// and stays silent would hang the handshake forever without a deadline.
	clock.start(conn)
	stop := context.AfterFunc(ctx, clock.cancel) // cancelling ctx interrupts the handshake at once
	sshConn, chans, reqs, err := ssh.NewClientConn(conn, h.addr(), &ssh.ClientConfig{
		User:              h.user,
		Auth:              methods,
		HostKeyCallback:   keys.callback,
		HostKeyAlgorithms: keys.algorithms(h.addr()),
		Timeout:           timeout,
	})
	stopped := stop()
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("ssh handshake: %w", ctx.Err())
		case isTimeout(err):
			return nil, fmt.Errorf("ssh handshake did not finish within %s: %w", timeout, err)
		}
		return nil, err
	}
	if !stopped { // ctx ended just as the handshake finished
		_ = sshConn.Close()
		return nil, fmt.Errorf("ssh handshake: %w", ctx.Err())
	}
	clock.finish()
	return ssh.NewClient(sshConn, chans, reqs), nil
}

// handshakeClock keeps the deadline on a connection during the handshake.
// It can be paused while the user answers a Prompt and cancelled with the
// caller's context. Its methods are safe for concurrent use.
type handshakeClock struct {
	timeout time.Duration

	mu        sync.Mutex // guards the fields below
	conn      net.Conn   // nil before start and after finish
	deadline  time.Time
	remaining time.Duration // while paused
	paused    bool
	cancelled bool
}

// start arms the deadline on conn.
func (k *handshakeClock) start(conn net.Conn) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.conn, k.deadline = conn, time.Now().Add(k.timeout)
	_ = conn.SetDeadline(k.deadline)
}

// pause stops the clock (no deadline) until the returned resume is called,
// which re-arms it with the time that was left. Outside the handshake both
// do nothing.
func (k *handshakeClock) pause() (resume func()) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.conn == nil || k.paused || k.cancelled {
		return func() {}
	}
	k.paused, k.remaining = true, time.Until(k.deadline)
	_ = k.conn.SetDeadline(time.Time{})
	return func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		k.paused = false
		if k.conn == nil || k.cancelled {
			return
		}
		k.deadline = time.Now().Add(k.remaining)
		_ = k.conn.SetDeadline(k.deadline)
	}
}

// cancel ends the handshake now: the next read or write fails.
func (k *handshakeClock) cancel() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cancelled = true
	if k.conn != nil {
		_ = k.conn.SetDeadline(time.Unix(1, 0))
	}
}

// finish clears the deadline after a successful handshake.
func (k *handshakeClock) finish() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.conn != nil {
		_ = k.conn.SetDeadline(time.Time{})
		k.conn = nil
	}
}

// isTimeout reports whether err is a network timeout (the deadline set
// around the handshake).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
