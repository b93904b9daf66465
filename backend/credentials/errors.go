package credentials

import (
	"errors"
	"strings"

	"github.com/tusk-app/tusk/backend/secret"
)

// scrub returns err unless its text contains the secret value; then it
// returns an error whose text has the value masked and which still matches
// err's sentinels with errors.Is, but no longer unwraps to err, so neither
// its text nor its fields can reach a log or the UI. A keychain whose error
// echoes its input is not expected, but a leak would be permanent.
func scrub(err error, value secret.String) error {
	v := value.Reveal()
	if err == nil || v == "" || !strings.Contains(err.Error(), v) {
		return err
	}
	return &scrubbedError{text: secret.Redact(err.Error(), v), orig: err}
}

type scrubbedError struct {
	text string
	orig error // for Is only; never unwrapped or printed
}

func (e *scrubbedError) Error() string { return e.text }

func (e *scrubbedError) Is(target error) bool { return errors.Is(e.orig, target) }

// timeoutError is an ErrTimeout whose text is a complete sentence for a
// status reason ("the Secret Service did not answer within 100ms").
type timeoutError struct{ text string }

func (e *timeoutError) Error() string { return e.text }

func (e *timeoutError) Is(target error) bool { return target == ErrTimeout }
