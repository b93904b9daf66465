package connection

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tusk-app/tusk/backend/apperr"
)

// Limits Validate enforces.
const (
	// MaxNameLength is the longest connection name, in characters.
	MaxNameLength = 255
	// MaxIdentifierBytes is PostgreSQL's NAMEDATALEN-1: the longest database
	// name and application_name the server keeps without truncating.
	MaxIdentifierBytes = 63
	// maxServerTimeout is the largest statement_timeout and
	// idle_in_transaction_session_timeout the server accepts (INT_MAX ms).
	maxServerTimeout = time.Duration(math.MaxInt32) * time.Millisecond
)

// JSON names of the fields Validate and ParseURL report (FieldError.Field).
const (
	FieldName                     = "name"
	FieldHost                     = "host"
	FieldPort                     = "port"
	FieldDatabase                 = "database"
	FieldUser                     = "user"
	FieldSSLMode                  = "sslMode"
	FieldSSLRootCert              = "sslRootCert"
	FieldSSLCert                  = "sslCert"
	FieldSSLKey                   = "sslKey"
	FieldColor                    = "color"
	FieldConnectTimeout           = "options.connectTimeoutMs"
	FieldStatementTimeout         = "options.statementTimeoutMs"
	FieldIdleInTransactionTimeout = "options.idleInTransactionTimeoutMs"
	FieldApplicationName          = "options.applicationName"
	// FieldURL is the field ParseURL reports its problems under.
	FieldURL = "url"
)

// Validate checks every field and reports all problems at once, as an
// apperr Validation error whose Fields name each rejected field by its JSON
// name (nested options as "options.<name>"). It returns nil when c is
// usable. It reads the file system to check that certificate and key files
// exist; it does not contact the server.
//
// The rules: name 1–255 characters; host non-empty, a single name or
// address (no spaces, commas or brackets) or an absolute socket directory;
// port 1–65535; database 1–63 bytes; user non-empty; a known SSL mode;
// certificate and key files exist when set; a client certificate and key
// both or neither; color "" or #RRGGBB; timeouts not negative, statement and
// idle-in-transaction timeouts at most 2147483647 ms; application name at
// most 63 bytes. No field may contain a NUL character.
func (c Config) Validate() error {
	var errs []apperr.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	for _, f := range []struct{ field, value string }{
		{FieldName, c.Name}, {FieldHost, c.Host}, {FieldDatabase, c.Database}, {FieldUser, c.User},
		{FieldSSLRootCert, c.SSLRootCert}, {FieldSSLCert, c.SSLCert}, {FieldSSLKey, c.SSLKey},
		{FieldApplicationName, c.Options.ApplicationName},
	} {
		if strings.ContainsRune(f.value, 0) {
			add(f.field, "must not contain a NUL character")
		}
	}

	switch n := utf8.RuneCountInString(c.Name); {
	case strings.TrimSpace(c.Name) == "":
		add(FieldName, "a name is required")
	case n > MaxNameLength:
		add(FieldName, "the name is %d characters long; at most %d are allowed", n, MaxNameLength)
	}

	switch h := c.Host; {
	case strings.TrimSpace(h) == "":
		add(FieldHost, "a host is required")
	case strings.HasPrefix(h, "/"):
		// a unix socket directory: any path
	case strings.ContainsAny(h, " \t\r\n,"):
		add(FieldHost, "the host must be one host name or address, without spaces or commas")
	case strings.HasPrefix(h, "["):
		add(FieldHost, "write an IPv6 address without brackets")
	}

	if c.Port < 1 || c.Port > 65535 {
		add(FieldPort, "the port must be between 1 and 65535, not %d", c.Port)
	}

	switch n := len(c.Database); {
	case n == 0:
		add(FieldDatabase, "a database name is required")
	case n > MaxIdentifierBytes:
		add(FieldDatabase, "the database name is %d bytes long; PostgreSQL allows at most %d", n, MaxIdentifierBytes)
	}

	if c.User == "" {
		add(FieldUser, "a user name is required")
	}

	if !c.SSLMode.Valid() {
		add(FieldSSLMode, "unknown SSL mode %q; use one of disable, allow, prefer, require, verify-ca, verify-full", string(c.SSLMode))
	}

	for _, f := range []struct{ field, path, what string }{
		{FieldSSLRootCert, c.SSLRootCert, "CA certificate"},
		{FieldSSLCert, c.SSLCert, "client certificate"},
		{FieldSSLKey, c.SSLKey, "client key"},
	} {
		if f.path == "" {
			continue
		}
		if msg := checkFile(f.path, f.what); msg != "" {
			add(f.field, "%s", msg)
		}
	}
	switch {
	case c.SSLCert != "" && c.SSLKey == "":
		add(FieldSSLKey, "a client certificate needs its private key")
	case c.SSLCert == "" && c.SSLKey != "":
		add(FieldSSLCert, "a client key needs its certificate")
	}

	if c.Color != "" && !isHexColor(c.Color) {
		add(FieldColor, "the color must be written #RRGGBB, e.g. #e5484d")
	}

	if c.Options.ConnectTimeout < 0 {
		add(FieldConnectTimeout, "the connect timeout must not be negative")
	}
	for _, t := range []struct {
		field string
		d     time.Duration
		what  string
	}{
		{FieldStatementTimeout, c.Options.StatementTimeout, "statement timeout"},
		{FieldIdleInTransactionTimeout, c.Options.IdleInTransactionTimeout, "idle-in-transaction timeout"},
	} {
		switch {
		case t.d < 0:
			add(t.field, "the %s must not be negative", t.what)
		case t.d > maxServerTimeout:
			add(t.field, "the %s must be at most %d ms", t.what, maxServerTimeout.Milliseconds())
		}
	}

	if n := len(c.Options.ApplicationName); n > MaxIdentifierBytes {
		add(FieldApplicationName, "the application name is %d bytes long; PostgreSQL keeps at most %d", n, MaxIdentifierBytes)
	}

	errs = c.Options.validateSafety(errs)

	if len(errs) == 0 {
		return nil
	}
	return apperr.ValidationError(errs...)
}

// checkFile returns why path cannot serve as a certificate or key file, ""
// when it can.
func checkFile(path, what string) string {
	fi, err := os.Stat(path)
	switch {
	case os.IsNotExist(err):
		return fmt.Sprintf("the %s file %s does not exist", what, path)
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Sprintf("the %s file %s cannot be read: %v", what, path, err)
	case fi.IsDir():
		return fmt.Sprintf("the %s path %s is a directory, not a file", what, path)
	}
	return ""
}

func isHexColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, r := range s[1:] {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}
