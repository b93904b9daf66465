package sshtunnel

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// jumpSpec is one element of a ProxyJump list.
type jumpSpec struct {
	user string
	host string
	port int // 0: not given
}

// parseJumpHosts parses an OpenSSH ProxyJump value: comma-separated
// "[user@]host[:port]" elements (an "ssh://" prefix is allowed, IPv6
// addresses go in brackets when a port follows). "" and "none" mean no jump
// host.
func parseJumpHosts(s string) ([]jumpSpec, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "none") {
		return nil, nil
	}
	var out []jumpSpec
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimPrefix(strings.TrimSpace(e), "ssh://")
		if e == "" {
			return nil, errors.New("the jump host list has an empty entry")
		}
		if strings.ContainsAny(e, " \t/") {
			return nil, fmt.Errorf("the jump host %q is not of the form [user@]host[:port]", e)
		}
		var j jumpSpec
		if i := strings.LastIndexByte(e, '@'); i >= 0 {
			j.user, e = e[:i], e[i+1:]
			if j.user == "" {
				return nil, fmt.Errorf("the jump host %q has an empty user name", e)
			}
		}
		host, port := e, ""
		switch {
		case strings.HasPrefix(e, "["):
			if h, p, err := net.SplitHostPort(e); err == nil {
				host, port = h, p
			} else if strings.HasSuffix(e, "]") {
				host = e[1 : len(e)-1]
			} else {
				return nil, fmt.Errorf("the jump host %q is not a valid address", e)
			}
		case strings.Count(e, ":") == 1:
			host, port, _ = strings.Cut(e, ":")
		}
		if host == "" {
			return nil, fmt.Errorf("the jump host %q has no host name", e)
		}
		j.host = host
		if port != "" {
			p, err := strconv.Atoi(port)
			if err != nil || p < 1 || p > 65535 {
				return nil, fmt.Errorf("the jump host %q has an invalid port", e)
			}
			j.port = p
		}
		out = append(out, j)
	}
	return out, nil
}

// hop is one SSH server on the way to the database, fully resolved.
type hop struct {
	alias         string // the name as written (Config.Host or a jump entry)
	hostName      string // what is dialled and looked up in known_hosts
	port          int
	user          string
	identityFiles []string // from ~/.ssh/config
	jump          bool
	// proxyCommand is the expanded ProxyCommand that carries the
	// connection to this hop instead of TCP (the first hop only); "" for none.
	proxyCommand string
}

// addr is host:port for dialling and known_hosts.
func (h hop) addr() string { return net.JoinHostPort(h.hostName, strconv.Itoa(h.port)) }

// label names the hop in messages: "db-host:22", or "prod (10.0.0.5:22)"
// for an alias.
func (h hop) label() string {
	if h.alias != "" && !strings.EqualFold(h.alias, h.hostName) {
		return h.alias + " (" + h.addr() + ")"
	}
	return h.addr()
}

// resolveRoute applies ~/.ssh/config to cfg and returns the hops in the
// order they are connected: jump hosts first, the SSH server last. Values
// set in cfg win over the configuration file.
func resolveRoute(cfg Config, sc *SSHConfig, defaultUser string) ([]hop, error) {
	host := strings.TrimSpace(cfg.Host)
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	s := sc.Lookup(host)
	target := hop{
		alias:         host,
		hostName:      firstNonEmpty(s.HostName, host),
		port:          firstNonZero(cfg.Port, s.Port, DefaultPort),
		user:          firstNonEmpty(cfg.User, s.User, defaultUser),
		identityFiles: s.IdentityFiles,
	}
	jumpValue := cfg.JumpHost
	if strings.TrimSpace(jumpValue) == "" {
		jumpValue = s.ProxyJump
	}
	jumps, err := parseJumpHosts(jumpValue)
	if err != nil {
		return nil, fmt.Errorf("jump host: %w", err)
	}
	route := make([]hop, 0, len(jumps)+1)
	// The hop dialled directly — the first jump host, or the server itself
	// without one — goes through its ProxyCommand, if it has one and no
	// ProxyJump is in force.
	firstCommand := ""
	if len(jumps) == 0 && strings.TrimSpace(cfg.JumpHost) == "" {
		firstCommand = s.ProxyCommand
	} else if len(jumps) > 0 {
		firstCommand = sc.Lookup(jumps[0].host).ProxyCommand
	}
	for _, j := range jumps {
		js := sc.Lookup(j.host)
		route = append(route, hop{
			alias:         j.host,
			hostName:      firstNonEmpty(js.HostName, j.host),
			port:          firstNonZero(j.port, js.Port, DefaultPort),
			user:          firstNonEmpty(j.user, js.User, defaultUser),
			identityFiles: js.IdentityFiles,
			jump:          true,
		})
	}
	route = append(route, target)
	if c := strings.TrimSpace(firstCommand); c != "" && !strings.EqualFold(c, "none") {
		route[0].proxyCommand = expandProxyCommand(c, route[0])
	}
	return route, nil
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

func firstNonZero(v ...int) int {
	for _, n := range v {
		if n != 0 {
			return n
		}
	}
	return 0
}
