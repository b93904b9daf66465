package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// maxUIStateKeyLen bounds a UI state key, in bytes.
const maxUIStateKeyLen = 256

func checkUIStateKey(key string) error {
	if key == "" {
		return invalid("key", "a key is required")
	}
	if len(key) > maxUIStateKeyLen {
		return invalid("key", "the key is longer than %d bytes", maxUIStateKeyLen)
	}
	return nil
}

// LoadUIState returns the JSON value stored under key, or an error matching
// ErrNotFound.
func (s *Store) LoadUIState(ctx context.Context, key string) (json.RawMessage, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM ui_state WHERE key = ?", key).Scan(&v)
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("ui state %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load ui state %q: %w", key, err)
	}
	return json.RawMessage(v), nil
}

// LoadAllUIState returns every stored UI state value by key; an empty,
// non-nil map when there is none. The frontend reads it once at startup.
func (s *Store) LoadAllUIState(ctx context.Context) (map[string]json.RawMessage, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT key, value FROM ui_state")
	if err != nil {
		return nil, fmt.Errorf("load ui state: %w", err)
	}
	defer rows.Close()
	out := map[string]json.RawMessage{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("load ui state: %w", err)
		}
		out[k] = json.RawMessage(v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load ui state: %w", err)
	}
	return out, nil
}

// SaveUIState stores value under key, replacing any earlier value. value must
// be valid JSON (any JSON value, including null); anything else, or an empty
// or overlong key, is a *ValidationError and nothing is written.
func (s *Store) SaveUIState(ctx context.Context, key string, value json.RawMessage) error {
	if err := checkUIStateKey(key); err != nil {
		return fmt.Errorf("save ui state: %w", err)
	}
	if !json.Valid(value) {
		return fmt.Errorf("save ui state %q: %w", key, invalid("value", "the value is not valid JSON"))
	}
	_, err := s.w.ExecContext(ctx, `
INSERT INTO ui_state (key, value, updated_at) VALUES (?, ?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, string(value), ms(now()))
	if err != nil {
		// The CHECK (json_valid(value)) backs up json.Valid; should the two
		// parsers ever disagree the input is still the caller's fault.
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintCheck {
			return fmt.Errorf("save ui state %q: %w", key, invalid("value", "the value is not valid JSON"))
		}
		return fmt.Errorf("save ui state %q: %w", key, err)
	}
	return nil
}

// DeleteUIState removes key. Deleting a key that is not there is not an
// error, so the frontend can reset state without reading it first.
func (s *Store) DeleteUIState(ctx context.Context, key string) error {
	if _, err := s.w.ExecContext(ctx, "DELETE FROM ui_state WHERE key = ?", key); err != nil {
		return fmt.Errorf("delete ui state %q: %w", key, err)
	}
	return nil
}
