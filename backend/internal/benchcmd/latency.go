package main

import (
	"io"
	"net"
	"sync"
	"time"
)

// latencyProxy forwards loopback TCP connections to target, holding every
// chunk of data for delay in each direction, so a round trip costs 2×delay
// more: a stand-in for a server across a network.
type latencyProxy struct {
	ln    net.Listener
	delay time.Duration
	wg    sync.WaitGroup
}

func startLatencyProxy(target string, delay time.Duration) (*latencyProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &latencyProxy{ln: ln, delay: delay}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.wg.Add(2)
			go p.pipe(s, c)
			go p.pipe(c, s)
		}
	}()
	return p, nil
}

// pipe copies src to dst, each chunk delivered delay after it arrived.
func (p *latencyProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	type chunk struct {
		at   time.Time
		data []byte
	}
	ch := make(chan chunk, 1024)
	go func() {
		defer close(ch)
		for {
			buf := make([]byte, 64<<10)
			n, err := src.Read(buf)
			if n > 0 {
				ch <- chunk{time.Now().Add(p.delay), buf[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range ch {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	_, _ = io.Copy(io.Discard, src)
	dst.Close()
	src.Close()
}

func (p *latencyProxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

func (p *latencyProxy) close() { p.ln.Close() }
