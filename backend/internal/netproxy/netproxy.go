// Package netproxy is a loopback TCP proxy that tests control, to put
// network faults between Tusk and a real server: a silent network (bytes
// stop flowing, sockets stay open — a black hole), connections reset, and
// the listener refusing new connections.
package netproxy

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// Proxy forwards connections accepted on a loopback port to a target
// address. Safe for concurrent use.
type Proxy struct {
	target string
	ln     net.Listener

	mu      sync.Mutex // guards the fields below
	silent  bool
	resume  chan struct{} // closed when a silence ends
	refuse  bool
	links   map[*link]struct{}
	closed  bool
	accepts int

	wg sync.WaitGroup
}

// link is one proxied connection: the client's side and the server's side.
type link struct {
	client, server net.Conn
}

// Start listens on 127.0.0.1 on a free port and forwards to target.
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{target: target, ln: ln, links: map[*link]struct{}{}, resume: make(chan struct{})}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Host is the proxy's listening host.
func (p *Proxy) Host() string { return "127.0.0.1" }

// Port is the proxy's listening port.
func (p *Proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Addr is host:port of the proxy.
func (p *Proxy) Addr() string { return net.JoinHostPort(p.Host(), strconv.Itoa(p.Port())) }

// Accepted is how many connections the proxy has accepted so far.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepts
}

// Silence stops every byte in both directions, on open and new connections,
// while the sockets stay open: a network that went silent. Connections
// accepted meanwhile are held without being forwarded.
func (p *Proxy) Silence() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.silent {
		p.silent = true
		p.resume = make(chan struct{})
	}
}

// Restore ends a Silence: bytes flow again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.silent {
		p.silent = false
		close(p.resume)
	}
}

// Refuse makes the proxy close new connections at once (on) or accept them
// again (off): a server that is down.
func (p *Proxy) Refuse(on bool) {
	p.mu.Lock()
	p.refuse = on
	p.mu.Unlock()
}

// Reset closes every open connection abruptly (an RST to both ends): the
// network dropped them.
func (p *Proxy) Reset() {
	p.mu.Lock()
	links := make([]*link, 0, len(p.links))
	for l := range p.links {
		links = append(links, l)
	}
	p.mu.Unlock()
	for _, l := range links {
		l.reset()
	}
}

// Close stops listening and resets every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.mu.Unlock()
	p.ln.Close()
	p.Restore()
	p.Reset()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.accepts++
		refuse := p.refuse || p.closed
		p.mu.Unlock()
		if refuse {
			resetConn(c)
			continue
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		resetConn(client)
		return
	}
	l := &link{client: client, server: server}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		l.reset()
		return
	}
	p.links[l] = struct{}{}
	p.mu.Unlock()
	var done sync.WaitGroup
	done.Add(2)
	go func() { defer done.Done(); p.pump(server, client) }()
	go func() { defer done.Done(); p.pump(client, server) }()
	done.Wait()
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
	l.reset()
}

// pump copies from src to dst, holding bytes back while the proxy is
// silent.
func (p *Proxy) pump(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.waitWhileSilent()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				resetConn(src)
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
				return
			}
			resetConn(dst)
			return
		}
	}
}

func (p *Proxy) waitWhileSilent() {
	p.mu.Lock()
	silent, resume := p.silent, p.resume
	p.mu.Unlock()
	if silent {
		<-resume
	}
}

func (l *link) reset() {
	resetConn(l.client)
	resetConn(l.server)
}

// resetConn closes c with an RST instead of a FIN.
func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
