package storage

import (
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// ErrNotFound reports that the requested record does not exist. Methods wrap
// it with the record kind and key ("connection 3f2c…: not found"); test for it
// with errors.Is.
var ErrNotFound = errors.New("not found")

// ErrInvalid is matched (errors.Is) by every *ValidationError, so callers
// that only need "was the input rejected?" need not unwrap the field.
var ErrInvalid = errors.New("invalid input")

// ErrSchemaTooNew reports a store written by a newer Tusk whose schema this
// build does not know. Open leaves such a file untouched and falls back to an
// in-memory store.
var ErrSchemaTooNew = errors.New("store schema is newer than this version of tusk supports")

// ValidationError reports one rejected input field before anything was
// written. Field is the JSON name of the field (as in the record's json tag)
// so the UI can show Message next to it.
type ValidationError struct {
	Field   string
	Message string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Message)
}

// Is makes errors.Is(err, ErrInvalid) true for every *ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// IsCorrupt reports whether err says the SQLite file is damaged or is not a
// database at all: SQLITE_CORRUPT or SQLITE_NOTADB from the driver, or a
// failed integrity check on open. It inspects error codes, never message text.
func IsCorrupt(err error) bool {
	if errors.Is(err, errIntegrity) {
		return true
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB
	}
	return false
}

// errIntegrity marks a PRAGMA quick_check that found problems.
var errIntegrity = errors.New("integrity check failed")

// isForeignKeyViolation reports whether err is SQLITE_CONSTRAINT_FOREIGNKEY.
func isForeignKeyViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}

// isBusy reports whether err is SQLITE_BUSY or SQLITE_LOCKED: another
// connection holds a lock.
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}
