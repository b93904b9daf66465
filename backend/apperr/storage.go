package apperr

import (
	"errors"

	"github.com/tusk-app/tusk/backend/storage"
)

// classifyStore maps the local store's own errors: a missing record, input
// the store rejected (one field), and a store written by a newer Tusk.
func classifyStore(err error) *Error {
	var ve *storage.ValidationError
	switch {
	case errors.As(err, &ve):
		return ValidationError(FieldError{Field: ve.Field, Message: ve.Message})
	case errors.Is(err, storage.ErrNotFound):
		return &Error{Kind: Storage, Message: "the item no longer exists",
			Hint: "It may have been deleted in another window; refresh the list."}
	case errors.Is(err, storage.ErrSchemaTooNew):
		return &Error{Kind: Storage, Message: "the local store was written by a newer version of Tusk",
			Hint: "Update Tusk, or start this version with another data directory (TUSK_DATA_DIR)."}
	}
	return nil
}
