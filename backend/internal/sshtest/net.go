package sshtest

import (
	"io"
	"net"
	"sync"
	"testing"
)

// SilentServer listens on 127.0.0.1 at a free port, accepts connections and
// never sends a byte: a host whose SSH server hangs. It returns the
// address; t.Cleanup closes the listener and the connections.
func SilentServer(t testing.TB) string {
	t.Helper()
	return serve(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}

// EchoServer listens on 127.0.0.1 at a free port and echoes every byte
// back on each connection. It returns the address; t.Cleanup closes it.
func EchoServer(t testing.TB) string {
	t.Helper()
	return serve(t, func(c net.Conn) { _, _ = io.Copy(c, c) })
}

// serve runs handle for each accepted connection until cleanup.
func serve(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	var (
		mu    sync.Mutex // guards conns
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}
