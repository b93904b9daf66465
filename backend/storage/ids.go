package storage

import (
	"database/sql"
	"fmt"

	"github.com/google/uuid"
)

// normaliseID returns id in canonical lowercase UUID form, a new random UUID
// when id is empty, or a *ValidationError for field when id is not a UUID.
func normaliseID(field, id string) (string, error) {
	if id == "" {
		return uuid.NewString(), nil
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return id, invalid(field, "%q is not a UUID", id)
	}
	return u.String(), nil
}

// canonicalID returns the canonical form of a UUID for lookups, or id
// unchanged when it does not parse (it then simply matches nothing).
func canonicalID(id string) string {
	if u, err := uuid.Parse(id); err == nil {
		return u.String()
	}
	return id
}

// expectOne turns "no row affected" into an error matching ErrNotFound.
func expectOne(res sql.Result, kind, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
	}
	return nil
}
