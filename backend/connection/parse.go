package connection

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/secret"
)

// Imported is a connection read from a connection string by ParseURL.
type Imported struct {
	// Config holds everything the string set that Tusk maps, on top of
	// NewConfig's defaults. It never holds the password.
	Config Config `json:"config"`
	// Password is the password the string carried, for the caller to put in
	// the keychain; zero when there was none. It is not serialised.
	Password secret.String `json:"-"`
	// HasPassword reports whether the string carried a password.
	HasPassword bool `json:"hasPassword"`
	// Unknown lists the parameters Tusk does not map, as "key=value" in the
	// order they appeared (values of secret-named keys masked), so the user
	// sees what the import leaves out. Empty, not nil, when all were mapped.
	Unknown []string `json:"unknown"`
}

// ParseURL reads a libpq connection string: a URL
// (postgres://user:password@host:port/dbname?param=value, scheme also
// postgresql://, IPv6 hosts in brackets, percent-encoding) or keyword/value
// text (host=db port=5432 dbname='my db' …, single quotes and backslash
// escapes as libpq). It never consults the environment, ~/.pgpass or service
// files: the result is exactly what the string says, on NewConfig's
// defaults.
//
// Mapped: host (hostaddr when there is no host), port, dbname (alias
// database), user, password (into Imported.Password only), sslmode (and the
// URL alias ssl=true), sslrootcert (sslrootcert=system means the system
// trust store and forces verify-full, as libpq), sslcert, sslkey,
// connect_timeout (seconds), application_name, and the session settings
// statement_timeout, idle_in_transaction_session_timeout and
// default_transaction_read_only given as parameters or in options as
// "-c name=value". Everything else is listed in Unknown.
//
// Missing parts: port 5432, database = user (as libpq). Config.Name is
// "<database> on <host>". The user is not required (it is left for the
// form); call Config.Validate.
//
// Refused, each naming the offending part: empty input, a string that names
// no host (neither host nor hostaddr: libpq would try a local socket, which
// is never what a pasted URL means), a port outside 1–65535, an sslmode that
// is not one of SSLModes, and values of the mapped settings that cannot be
// read. Malformed input is an apperr Validation error on field "url" whose
// messages never quote the input, so a password in it cannot leak.
func ParseURL(s string) (Imported, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Imported{}, apperr.ValidationError(apperr.FieldError{Field: FieldURL, Message: "the connection string is empty: paste a postgres:// URL or host=… key/value settings"})
	}
	var (
		params []param
		err    error
	)
	if scheme := urlScheme(s); scheme != "" {
		params, err = parseURI(s[len(scheme):])
	} else {
		params, err = parseKeywordValue(s)
	}
	if err != nil {
		return Imported{}, apperr.ValidationError(apperr.FieldError{Field: FieldURL, Message: err.Error()})
	}
	return fromParams(params)
}

// param is one key=value setting of a connection string.
type param struct{ key, value string }

// urlScheme returns the URL prefix s starts with, "" for keyword/value text.
func urlScheme(s string) string {
	for _, p := range []string{"postgresql://", "postgres://"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return s[:len(p)]
		}
	}
	return ""
}

// parseURI parses what follows the scheme of a libpq URI:
// [user[:password]@][host][:port][/dbname][?param=value&…].
func parseURI(rest string) ([]param, error) {
	if strings.ContainsRune(rest, 0) {
		return nil, errors.New("the connection string contains a NUL character")
	}
	var params []param
	rest, query, _ := strings.Cut(rest, "?")
	authority, path, hasPath := strings.Cut(rest, "/")

	// The user info ends at the last '@', so an unencoded '@' in a password
	// still parses.
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		userinfo := authority[:at]
		authority = authority[at+1:]
		user, password, hasPassword := strings.Cut(userinfo, ":")
		u, err := url.PathUnescape(user)
		if err != nil {
			return nil, errors.New("the user name in the URL is not validly percent-encoded")
		}
		if u != "" {
			params = append(params, param{"user", u})
		}
		if hasPassword {
			p, err := url.PathUnescape(password)
			if err != nil {
				return nil, errors.New("the password in the URL is not validly percent-encoded")
			}
			params = append(params, param{"password", p})
		}
	}

	if strings.Contains(authority, ",") {
		return nil, errors.New("several hosts are not supported; keep one")
	}
	host, port, err := splitHostPort(authority)
	if err != nil {
		return nil, err
	}
	if host != "" {
		h, err := url.PathUnescape(host)
		if err != nil {
			return nil, errors.New("the host in the URL is not validly percent-encoded")
		}
		params = append(params, param{"host", h})
	}
	if port != "" {
		params = append(params, param{"port", port})
	}
	if hasPath && path != "" {
		db, err := url.PathUnescape(path)
		if err != nil {
			return nil, errors.New("the database name in the URL is not validly percent-encoded")
		}
		params = append(params, param{"dbname", db})
	}

	for i, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("URL parameter %d has no value (write key=value)", i+1)
		}
		key, err := url.PathUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("URL parameter %d is not validly percent-encoded", i+1)
		}
		value, err := url.PathUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("the value of URL parameter %q is not validly percent-encoded", key)
		}
		params = append(params, param{key, value})
	}
	return params, nil
}

// splitHostPort splits the host part of a URI: host, host:port, [v6],
// [v6]:port or :port.
func splitHostPort(s string) (host, port string, err error) {
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return "", "", errors.New("the IPv6 address in the URL lacks its closing bracket")
		}
		host, rest := s[1:end], s[end+1:]
		switch {
		case rest == "":
		case strings.HasPrefix(rest, ":"):
			port = rest[1:]
		default:
			return "", "", errors.New("unexpected text after the IPv6 address in the URL")
		}
		return host, port, nil
	}
	switch strings.Count(s, ":") {
	case 0:
		return s, "", nil
	case 1:
		host, port, _ = strings.Cut(s, ":")
		return host, port, nil
	default:
		return "", "", errors.New("write an IPv6 address in brackets, e.g. postgres://[::1]:5432/db")
	}
}

// parseKeywordValue parses libpq keyword/value text: keyword = value pairs
// separated by whitespace; a value is a run of non-space characters or is
// single-quoted; a backslash takes the next character literally.
func parseKeywordValue(s string) ([]param, error) {
	if strings.ContainsRune(s, 0) {
		return nil, errors.New("the connection string contains a NUL character")
	}
	var params []param
	i := 0
	skipSpace := func() {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
	}
	for n := 1; ; n++ {
		skipSpace()
		if i == len(s) {
			break
		}
		start := i
		for i < len(s) && s[i] != '=' && !isSpace(s[i]) {
			i++
		}
		key := s[start:i]
		skipSpace()
		if i == len(s) || s[i] != '=' || key == "" {
			// Never quote the text: it may be a mistyped password.
			return nil, fmt.Errorf("setting %d is not written keyword=value", n)
		}
		i++ // '='
		skipSpace()
		var value strings.Builder
		if i < len(s) && s[i] == '\'' {
			i++
			closed := false
			for i < len(s) {
				c := s[i]
				if c == '\\' && i+1 < len(s) {
					value.WriteByte(s[i+1])
					i += 2
					continue
				}
				if c == '\'' {
					closed = true
					i++
					break
				}
				value.WriteByte(c)
				i++
			}
			if !closed {
				return nil, fmt.Errorf("the quoted value of %q is not closed", key)
			}
		} else {
			for i < len(s) && !isSpace(s[i]) {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				value.WriteByte(s[i])
				i++
			}
		}
		params = append(params, param{key, value.String()})
	}
	return params, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// importer accumulates the result of mapping parameters.
type importer struct {
	imp          Imported
	problems     []apperr.FieldError
	unknown      []string
	unknownAt    map[string]int // key → index in unknown, so a repeated key keeps one entry
	hostaddr     string
	explicitMode bool
	systemRoot   bool
}

func fromParams(params []param) (Imported, error) {
	m := &importer{unknownAt: map[string]int{}}
	m.imp.Config = NewConfig("", "", 0, "", "")
	c := &m.imp.Config
	for _, p := range params {
		key := strings.ToLower(p.key)
		switch key {
		case "host":
			if strings.Contains(p.value, ",") {
				m.problem("several hosts are not supported; keep one")
				continue
			}
			c.Host = p.value
		case "hostaddr":
			m.hostaddr = p.value
		case "port":
			n, err := strconv.Atoi(strings.TrimSpace(p.value))
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				m.problem("the port must be a number")
				continue
			}
			if err != nil || n < 1 || n > 65535 {
				m.problem("the port must be between 1 and 65535")
				continue
			}
			c.Port = n
		case "dbname", "database":
			c.Database = p.value
		case "user":
			c.User = p.value
		case "password":
			m.imp.Password = secret.New(p.value)
			m.imp.HasPassword = true
		case "sslmode":
			mode := SSLMode(strings.ToLower(strings.TrimSpace(p.value)))
			if !mode.Valid() {
				m.problem("sslmode must be one of " + sslModeList())
				continue
			}
			c.SSLMode = mode
			m.explicitMode = true
		case "ssl":
			if p.value == "true" {
				if !m.explicitMode {
					c.SSLMode = SSLRequire
				}
				continue
			}
			m.addUnknown(p.key, p.value)
		case "sslrootcert":
			m.systemRoot = p.value == "system"
			if m.systemRoot {
				c.SSLRootCert = ""
			} else {
				c.SSLRootCert = p.value
			}
		case "sslcert":
			c.SSLCert = p.value
		case "sslkey":
			c.SSLKey = p.value
		case "connect_timeout":
			n, err := strconv.Atoi(strings.TrimSpace(p.value))
			if err != nil {
				m.problem("connect_timeout must be a whole number of seconds")
				continue
			}
			if n <= 0 { // libpq: wait forever; Tusk: its default
				c.Options.ConnectTimeout = DefaultConnectTimeout
			} else {
				c.Options.ConnectTimeout = time.Duration(n) * time.Second
			}
		case "options":
			m.serverOptions(p.value)
		default:
			if !m.setting(key, p.value) {
				m.addUnknown(p.key, p.value)
			}
		}
	}

	switch {
	case c.Host == "" && m.hostaddr != "":
		c.Host = m.hostaddr
	case c.Host == "" && len(m.problems) == 0:
		m.problem("the connection string names no host: write postgres://host/database or host=… (localhost for this computer)")
	case m.hostaddr != "":
		m.addUnknown("hostaddr", m.hostaddr)
	}
	if m.systemRoot && c.SSLMode != SSLVerifyFull {
		c.SSLMode = SSLVerifyFull
	}
	if c.Database == "" {
		c.Database = c.User
	}
	c.Name = c.Host
	if c.Database != "" {
		c.Name = c.Database + " on " + c.Host
	}
	if len(m.problems) > 0 {
		return Imported{}, apperr.ValidationError(m.problems...)
	}
	m.imp.Unknown = m.unknown
	if m.imp.Unknown == nil {
		m.imp.Unknown = []string{}
	}
	return m.imp, nil
}

// sslModeList is SSLModes joined for messages.
func sslModeList() string {
	names := make([]string, len(SSLModes))
	for i, m := range SSLModes {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

func (m *importer) problem(msg string) {
	m.problems = append(m.problems, apperr.FieldError{Field: FieldURL, Message: msg})
}

func (m *importer) addUnknown(key, value string) {
	if secret.IsSecretKey(key) {
		value = secret.Mask
	}
	entry := key + "=" + value
	if i, ok := m.unknownAt[key]; ok {
		m.unknown[i] = entry
		return
	}
	m.unknownAt[key] = len(m.unknown)
	m.unknown = append(m.unknown, entry)
}

// setting applies a server setting Tusk maps to Options, reporting whether
// name is one of them. A value it cannot read is a problem.
func (m *importer) setting(name, value string) bool {
	o := &m.imp.Config.Options
	switch name {
	case "application_name":
		o.ApplicationName = value
	case "statement_timeout", "idle_in_transaction_session_timeout":
		d, err := parseServerDuration(value)
		if err != nil {
			m.problem(name + ": " + err.Error())
			return true
		}
		if name == "statement_timeout" {
			o.StatementTimeout = d
		} else {
			o.IdleInTransactionTimeout = d
		}
	case "default_transaction_read_only":
		b, ok := parseServerBool(value)
		if !ok {
			m.problem(name + ": expected on or off")
			return true
		}
		o.ReadOnly = b
	default:
		return false
	}
	return true
}

// serverOptions reads libpq's options parameter: server command-line
// switches "-c name=value", "-cname=value" or "--name=value", separated by
// spaces (a backslash escapes the next character).
func (m *importer) serverOptions(s string) {
	words := splitOptions(s)
	for i := 0; i < len(words); i++ {
		w := words[i]
		var nv string
		switch {
		case w == "-c" && i+1 < len(words):
			i++
			nv = words[i]
		case strings.HasPrefix(w, "-c") && len(w) > 2:
			nv = w[2:]
		case strings.HasPrefix(w, "--") && len(w) > 2:
			nv = w[2:]
		default:
			m.addUnknown("options", w)
			continue
		}
		name, value, ok := strings.Cut(nv, "=")
		name = strings.ReplaceAll(strings.ToLower(name), "-", "_")
		if !ok || !m.setting(name, value) {
			if secret.IsSecretKey(name) {
				value = secret.Mask
			}
			m.addUnknown("options", "-c "+name+"="+value)
		}
	}
}

func splitOptions(s string) []string {
	var (
		words  []string
		cur    strings.Builder
		inWord bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case isSpace(c):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// parseServerDuration reads a PostgreSQL time setting: a number with an
// optional unit (us, ms, s, min, h, d); no unit means milliseconds.
func parseServerDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || i == 0 && (s[i] == '-' || s[i] == '+')) {
		i++
	}
	f, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, errors.New("expected a duration such as 5000, 5s or 2min")
	}
	if f < 0 {
		return 0, errors.New("must not be negative")
	}
	units := map[string]time.Duration{
		"": time.Millisecond, "us": time.Microsecond, "ms": time.Millisecond, "s": time.Second,
		"min": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
	}
	unit, ok := units[strings.TrimSpace(s[i:])]
	if !ok {
		return 0, errors.New("unknown unit; use us, ms, s, min, h or d")
	}
	d := f * float64(unit)
	if d > float64(maxServerTimeout) {
		return 0, fmt.Errorf("must be at most %d ms", maxServerTimeout.Milliseconds())
	}
	return time.Duration(d), nil
}

// parseServerBool reads a PostgreSQL boolean setting.
func parseServerBool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "true", "yes", "1":
		return true, true
	case "off", "false", "no", "0":
		return false, true
	}
	return false, false
}
