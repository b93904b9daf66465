package logging

import (
	"fmt"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/secret"
)

// redactHook scrubs secrets from every entry before any later hook or the
// formatter sees it: a field whose key names a secret (secret.IsSecretKey)
// becomes secret.Mask, and the message and every other field value pass
// through secret.Redact. New installs it as the logger's first hook. logrus
// hands hooks a per-call copy of the entry, so mutating it is safe.
type redactHook struct{}

// Levels implements logrus.Hook.
func (redactHook) Levels() []logrus.Level { return logrus.AllLevels }

// Fire implements logrus.Hook.
func (redactHook) Fire(e *logrus.Entry) error {
	e.Message = secret.Redact(e.Message)
	for k, v := range e.Data {
		if secret.IsSecretKey(k) {
			e.Data[k] = secret.Mask
			continue
		}
		e.Data[k] = redactValue(v)
	}
	return nil
}

// redactValue returns v unchanged unless its text form holds a secret, in
// which case it returns the redacted text. Errors are judged by Error(),
// Stringers by String(), anything else by its %+v form, which names struct
// fields, so a struct with a Password field is caught.
func redactValue(v any) any {
	var s string
	switch v := v.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, float32, float64:
		return v
	case string:
		return secret.Redact(v)
	case []byte:
		s = string(v)
	case error, fmt.Stringer:
		s = fmt.Sprint(v) // fmt recovers from a panicking method, as the formatter does
	default:
		s = fmt.Sprintf("%+v", v)
	}
	if r := secret.Redact(s); r != s {
		return r
	}
	return v
}
