package netproxy_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/internal/netproxy"
)

// echo starts a line echo server and returns its address.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(c net.Conn, r *bufio.Reader, deadline time.Duration) error {
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return err
	}
	_ = c.SetReadDeadline(time.Now().Add(deadline))
	_, err := r.ReadString('\n')
	return err
}

func TestProxyFaults(t *testing.T) {
	p, err := netproxy.Start(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if err := roundTrip(c, r, time.Second); err != nil {
		t.Fatalf("forwarding: %v", err)
	}
	p.Silence()
	if err := roundTrip(c, r, 200*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("silent network answered: %v", err)
	}
	p.Restore()
	if err := roundTrip(c, r, time.Second); err != nil {
		t.Fatalf("after Restore (the held bytes arrive): %v", err)
	}
	p.Reset()
	if err := roundTrip(c, r, time.Second); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("after Reset: %v, want a broken connection", err)
	}
	p.Refuse(true)
	c2, err := net.Dial("tcp", p.Addr())
	if err == nil {
		defer c2.Close()
		if err := roundTrip(c2, bufio.NewReader(c2), time.Second); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("refusing proxy served a connection: %v", err)
		}
	}
	if p.Accepted() < 2 {
		t.Fatalf("accepted %d", p.Accepted())
	}
}
