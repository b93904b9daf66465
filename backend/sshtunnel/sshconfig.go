package sshtunnel

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// maxIncludeDepth bounds nested Include directives (OpenSSH uses 16 too).
const maxIncludeDepth = 16

// SSHConfig is a parsed OpenSSH client configuration file (~/.ssh/config),
// reduced to what a tunnel needs: Host blocks with HostName, Port, User,
// IdentityFile, ProxyJump and ProxyCommand, and Include.
//
// As in OpenSSH, Host patterns may use * and ? wildcards and !negation,
// several patterns on one Host line match if any positive one does and no
// negated one does, and for each keyword the first value obtained wins
// (IdentityFile accumulates instead). Keywords are case-insensitive and may
// be separated from their arguments by "=". Match blocks are not evaluated:
// their lines never apply, except under "Match all". Other keywords are
// ignored.
//
// An SSHConfig is immutable after LoadSSHConfig and safe for concurrent use.
// A nil *SSHConfig is an empty configuration.
type SSHConfig struct {
	home string
	rows []configRow
}

// configRow is one keyword line with the block it belongs to.
type configRow struct {
	block *hostBlock // nil: before the first Host or Match line (applies to every host)
	key   string     // lowercase keyword
	args  []string
}

// hostBlock is the condition of a Host or Match line.
type hostBlock struct {
	patterns []string // lowercase; "!" prefix negates
	all      bool     // Match all
	never    bool     // an unsupported Match
}

// matches reports whether the block applies to host (lowercase).
func (b *hostBlock) matches(host string) bool {
	if b == nil || b.all {
		return true
	}
	if b.never {
		return false
	}
	ok := false
	for _, p := range b.patterns {
		if neg, found := strings.CutPrefix(p, "!"); found {
			if matchPattern(neg, host) {
				return false
			}
			continue
		}
		if matchPattern(p, host) {
			ok = true
		}
	}
	return ok
}

// HostSettings are the values ~/.ssh/config gives one host alias. Zero
// fields were not set.
type HostSettings struct {
	// HostName is the real host name or address ("%h" expanded).
	HostName string `json:"hostName,omitempty"`
	// Port is the SSH port; 0 when not set.
	Port int `json:"port,omitempty"`
	// User is the login name.
	User string `json:"user,omitempty"`
	// IdentityFiles are the private key files in order, with "~" and the
	// %d, %h, %p, %r, %u and %% tokens expanded; relative paths are taken
	// relative to the home directory.
	IdentityFiles []string `json:"identityFiles,omitempty"`
	// ProxyJump is the raw ProxyJump value ("none" included).
	ProxyJump string `json:"proxyJump,omitempty"`
	// ProxyCommand is the raw ProxyCommand value ("none" included), tokens
	// not expanded.
	ProxyCommand string `json:"proxyCommand,omitempty"`
}

// LoadSSHConfig reads the OpenSSH client configuration at path, following
// Include directives (relative paths are relative to home/.ssh). home
// expands "~". A missing file is an empty configuration, not an error; a
// syntax error (an unterminated quote, a bad Port) names the file and line.
func LoadSSHConfig(path, home string) (*SSHConfig, error) {
	c := &SSHConfig{home: home}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err := c.parseFile(path, nil, 0); err != nil {
		return nil, err
	}
	return c, nil
}

// parseFile appends the rows of one file; rows before the file's first Host
// or Match line belong to block (the block of the Include line).
func (c *SSHConfig) parseFile(path string, block *hostBlock, depth int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if key, command, ok := proxyCommandLine(sc.Text()); ok {
			c.rows = append(c.rows, configRow{block: block, key: key, args: []string{command}})
			continue
		}
		key, args, err := splitConfigLine(sc.Text())
		if err != nil {
			return fmt.Errorf("ssh config %s line %d: %w", path, n, err)
		}
		if key == "" {
			continue
		}
		if len(args) == 0 {
			return fmt.Errorf("ssh config %s line %d: %s needs an argument", path, n, key)
		}
		switch key {
		case "host":
			b := &hostBlock{}
			for _, a := range args {
				b.patterns = append(b.patterns, strings.ToLower(a))
			}
			block = b
		case "match":
			block = &hostBlock{never: true}
			if len(args) == 1 && strings.EqualFold(args[0], "all") {
				block = &hostBlock{all: true}
			}
		case "include":
			if depth >= maxIncludeDepth {
				return fmt.Errorf("ssh config %s line %d: include nested more than %d deep", path, n, maxIncludeDepth)
			}
			for _, a := range args {
				pattern := expandTilde(a, c.home)
				if !filepath.IsAbs(pattern) {
					pattern = filepath.Join(c.home, ".ssh", pattern)
				}
				files, err := filepath.Glob(pattern)
				if err != nil {
					return fmt.Errorf("ssh config %s line %d: include %q: %w", path, n, a, err)
				}
				for _, file := range files {
					if err := c.parseFile(file, block, depth+1); err != nil && !errors.Is(err, fs.ErrNotExist) {
						return fmt.Errorf("include: %w", err)
					}
				}
			}
		case "port":
			p, err := strconv.Atoi(args[0])
			if err != nil || p < 1 || p > 65535 {
				return fmt.Errorf("ssh config %s line %d: bad port %q", path, n, args[0])
			}
			c.rows = append(c.rows, configRow{block: block, key: key, args: args})
		case "hostname", "user", "identityfile", "proxyjump":
			c.rows = append(c.rows, configRow{block: block, key: key, args: args})
		}
	}
	return sc.Err()
}

// proxyCommandLine recognises a ProxyCommand line and returns its command:
// the rest of the line as written (OpenSSH hands it to the shell; quotes
// inside belong to the shell, not to ssh_config).
func proxyCommandLine(line string) (key, command string, ok bool) {
	line = strings.TrimSpace(line)
	end := strings.IndexAny(line, " \t=")
	if end < 0 || !strings.EqualFold(line[:end], "proxycommand") {
		return "", "", false
	}
	rest := strings.TrimLeft(line[end:], " \t")
	if strings.HasPrefix(rest, "=") {
		rest = strings.TrimLeft(rest[1:], " \t")
	}
	if rest == "" {
		return "", "", false
	}
	return "proxycommand", rest, true
}

// splitConfigLine splits a line into its lowercase keyword and arguments.
// Blank lines and comments give an empty keyword.
func splitConfigLine(line string) (string, []string, error) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return "", nil, nil
	}
	end := strings.IndexAny(line, " \t=")
	if end < 0 {
		return strings.ToLower(line), nil, nil
	}
	key := strings.ToLower(line[:end])
	rest := strings.TrimLeft(line[end:], " \t")
	if strings.HasPrefix(rest, "=") {
		rest = strings.TrimLeft(rest[1:], " \t")
	}
	var args []string
	for rest != "" {
		switch {
		case rest[0] == '#':
			return key, args, nil
		case rest[0] == '"':
			i := strings.IndexByte(rest[1:], '"')
			if i < 0 {
				return "", nil, errors.New("unterminated quote")
			}
			args = append(args, rest[1:1+i])
			rest = rest[2+i:]
		default:
			i := strings.IndexAny(rest, " \t")
			if i < 0 {
				i = len(rest)
			}
			args = append(args, rest[:i])
			rest = rest[i:]
		}
		rest = strings.TrimLeft(rest, " \t")
	}
	return key, args, nil
}

// Lookup returns the settings for a host alias as OpenSSH would apply them:
// every matching block in file order, first value per keyword.
func (c *SSHConfig) Lookup(alias string) HostSettings {
	var s HostSettings
	if c == nil {
		return s
	}
	host := strings.ToLower(alias)
	var identities []string
	for _, r := range c.rows {
		if !r.block.matches(host) {
			continue
		}
		switch r.key {
		case "hostname":
			if s.HostName == "" {
				s.HostName = r.args[0]
			}
		case "port":
			if s.Port == 0 {
				s.Port, _ = strconv.Atoi(r.args[0]) // checked while parsing
			}
		case "user":
			if s.User == "" {
				s.User = r.args[0]
			}
		case "identityfile":
			identities = append(identities, r.args[0])
		case "proxyjump":
			if s.ProxyJump == "" && s.ProxyCommand == "" {
				s.ProxyJump = r.args[0]
			}
		case "proxycommand":
			// The first of ProxyJump and ProxyCommand wins, as in OpenSSH.
			if s.ProxyCommand == "" && s.ProxyJump == "" {
				s.ProxyCommand = r.args[0]
			}
		}
	}
	s.HostName = expandTokens(s.HostName, map[byte]string{'h': alias})
	hostName := s.HostName
	if hostName == "" {
		hostName = alias
	}
	port := DefaultPort
	if s.Port != 0 {
		port = s.Port
	}
	tokens := map[byte]string{'d': c.home, 'h': hostName, 'p': strconv.Itoa(port), 'r': s.User, 'u': localUser()}
	for _, id := range identities {
		if strings.EqualFold(id, "none") {
			continue
		}
		p := expandTilde(expandTokens(id, tokens), c.home)
		if !filepath.IsAbs(p) {
			p = filepath.Join(c.home, p)
		}
		s.IdentityFiles = append(s.IdentityFiles, p)
	}
	return s
}

// Hosts returns the literal aliases of the Host lines (no wildcards or
// negations), in file order without duplicates: the names a user can pick
// from.
func (c *SSHConfig) Hosts() []string {
	if c == nil {
		return nil
	}
	seen := map[*hostBlock]bool{}
	names := map[string]bool{}
	var out []string
	for _, r := range c.rows {
		if r.block == nil || seen[r.block] {
			continue
		}
		seen[r.block] = true
		for _, p := range r.block.patterns {
			if strings.ContainsAny(p, "*?!") || names[p] {
				continue
			}
			names[p] = true
			out = append(out, p)
		}
	}
	return out
}

// matchPattern matches s against an OpenSSH pattern with * (any run) and ?
// (any one character).
func matchPattern(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			pattern = strings.TrimLeft(pattern, "*")
			if pattern == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if matchPattern(pattern, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}

// expandTokens replaces %x tokens from values and %% with %; unknown tokens
// are kept.
func expandTokens(s string, values map[byte]string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		if s[i] == '%' {
			b.WriteByte('%')
		} else if v, ok := values[s[i]]; ok {
			b.WriteString(v)
		} else {
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// expandTilde replaces a leading "~" or "~/" with home.
func expandTilde(path, home string) string {
	if path == "~" {
		return home
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok && home != "" {
		return filepath.Join(home, rest)
	}
	return path
}

// localUser returns the name of the user running the process, "" if unknown.
func localUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}
