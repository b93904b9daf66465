package sshtunnel

import (
	"io"
	"net"
	"sync"
)

// channelConn is a forwarded connection. x/crypto's channel connections
// reject deadlines, which pgx needs to interrupt reads on cancel, so the
// channel is bridged to one end of a net.Pipe (full deadline support) and
// the caller gets the other end. The pipe is synchronous: nothing is
// buffered beyond the copy loops' buffers, and a read that times out loses
// no data.
type channelConn struct {
	net.Conn
	local, remote net.Addr
}

// newChannelConn bridges ch to a fresh pipe and returns the pipe's near end.
// Closing either side closes both.
func newChannelConn(ch net.Conn, network, addr string) net.Conn {
	near, far := net.Pipe()
	var once sync.Once
	closeBoth := func() {
		once.Do(func() {
			_ = far.Close()
			_ = ch.Close()
		})
	}
	go func() {
		_, _ = io.Copy(ch, far)
		closeBoth()
	}()
	go func() {
		_, _ = io.Copy(far, ch)
		closeBoth()
	}()
	return &channelConn{
		Conn:   near,
		local:  tunnelAddr{network: network, addr: "ssh-tunnel"},
		remote: tunnelAddr{network: network, addr: addr},
	}
}

// LocalAddr implements net.Conn.
func (c *channelConn) LocalAddr() net.Addr { return c.local }

// RemoteAddr implements net.Conn: the forwarded address as dialled.
func (c *channelConn) RemoteAddr() net.Addr { return c.remote }

// tunnelAddr is the net.Addr of a forwarded connection.
type tunnelAddr struct{ network, addr string }

func (a tunnelAddr) Network() string { return a.network }
func (a tunnelAddr) String() string  { return a.addr }
