// Package secret keeps passwords and passphrases out of text.
//
// A String holds a secret value and prints as "[redacted]" through every
// formatting path (String, GoString, fmt verbs, MarshalJSON, MarshalText), so
// putting one in a log field, an event payload or an error by mistake leaks
// nothing. Redact scrubs secrets out of free text that may contain them:
// connection strings (key=value and URL forms) and anything that looks like a
// password assignment.
package secret

import (
	"regexp"
	"strings"
)

// Mask replaces every secret in text.
const Mask = "[redacted]"

// String is a secret value. Its zero value is the empty secret. Reveal returns
// the value; every other method masks it.
type String struct{ v string }

// New wraps a secret value.
func New(v string) String { return String{v: v} }

// Reveal returns the secret itself. Call it only where the value is handed to
// the component that needs it (the driver, the keychain).
func (s String) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s String) IsZero() bool { return s.v == "" }

// String implements fmt.Stringer with a mask.
func (s String) String() string {
	if s.v == "" {
		return ""
	}
	return Mask
}

// GoString implements fmt.GoStringer with a mask.
func (s String) GoString() string { return "secret.String(" + s.String() + ")" }

// MarshalJSON masks the value.
func (s String) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalText masks the value.
func (s String) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// keywords that name a secret in key=value text, logfmt and connection strings.
const keywords = `password|passwd|pwd|passphrase|sslpassword|secret|token`

var (
	// key=value and key: value with a bare, single-quoted or double-quoted value.
	assignRE = regexp.MustCompile(`(?i)\b(` + keywords + `)(\s*[=:]\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;,]+)`)
	// scheme://user:password@host
	urlRE = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]*):([^@\s]*)@`)
)

// Redact returns text with secret values replaced by Mask: password=... in
// connection strings, logfmt and query strings, the password part of URLs,
// and every value in known (empty strings ignored).
func Redact(text string, known ...string) string {
	for _, k := range known {
		if k != "" {
			text = strings.ReplaceAll(text, k, Mask)
		}
	}
	if !strings.ContainsAny(text, "=:") {
		return text
	}
	text = urlRE.ReplaceAllString(text, "${1}:"+Mask+"@")
	return assignRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := assignRE.FindStringSubmatch(m)
		if sub[3] == Mask {
			return m
		}
		return sub[1] + sub[2] + Mask
	})
}

// IsSecretKey reports whether a field or parameter name denotes a secret
// (password, passphrase, token, …), for structured-log and form redaction.
func IsSecretKey(name string) bool {
	n := strings.ToLower(name)
	for _, k := range strings.Split(keywords, "|") {
		if strings.Contains(n, k) {
			return true
		}
	}
	return false
}
