package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// History page sizes.
const (
	// DefaultHistoryLimit is the page size used when HistoryFilter.Limit is 0.
	DefaultHistoryLimit = 100
	// MaxHistoryLimit is the largest page a single call returns.
	MaxHistoryLimit = 1000
)

// maxSearchTerms bounds how many words of a search string are used.
const maxSearchTerms = 16

// HistoryEntry is one executed statement in the query history.
type HistoryEntry struct {
	// ID is assigned by the store; it grows with every entry added.
	ID int64 `json:"id"`
	// ConnectionID is the saved connection the statement ran on; "" when it
	// ran on none. Deleting the connection deletes its history.
	ConnectionID string `json:"connectionId,omitempty"`
	// SQL is the statement text as executed.
	SQL string `json:"sql"`
	// ExecutedAt is when execution started (UTC, millisecond precision); the
	// zero value is replaced by the time AddHistory is called.
	ExecutedAt time.Time `json:"executedAt"`
	// DurationMs is how long the statement ran, in milliseconds.
	DurationMs int64 `json:"durationMs"`
	// RowCount is the number of rows returned or affected; nil when unknown
	// (for example when the statement failed).
	RowCount *int64 `json:"rowCount,omitempty"`
	// ErrorMessage is the error the statement failed with; "" on success.
	ErrorMessage string `json:"errorMessage,omitempty"`
	// ErrorCode is the SQLSTATE of the failure; "" on success or when the
	// failure did not come from the server.
	ErrorCode string `json:"errorCode,omitempty"`
	// Plan is the EXPLAIN (FORMAT JSON) output of the statement, saved by
	// AddHistory. Pages of history leave it out (it can be large) and set
	// HasPlan; LoadHistoryPlan reads it.
	Plan    string `json:"-"`
	HasPlan bool   `json:"hasPlan,omitempty"`
}

// MaxPlanBytes is the largest plan AddHistory keeps; a larger one is left
// out of the entry.
const MaxPlanBytes = 32 << 20

// HistoryFilter selects a page of history, newest first.
type HistoryFilter struct {
	// ConnectionID restricts the page to one connection; "" means all.
	ConnectionID string `json:"connectionId,omitempty"`
	// Limit is the page size: 0 means DefaultHistoryLimit, larger than
	// MaxHistoryLimit means MaxHistoryLimit. Negative is rejected.
	Limit int `json:"limit,omitempty"`
	// Offset is the number of entries to skip; negative is rejected.
	Offset int `json:"offset,omitempty"`
}

func (f HistoryFilter) normalise() (HistoryFilter, error) {
	if f.Limit < 0 {
		return f, invalid("limit", "limit must not be negative")
	}
	if f.Offset < 0 {
		return f, invalid("offset", "offset must not be negative")
	}
	if f.Limit == 0 {
		f.Limit = DefaultHistoryLimit
	}
	f.Limit = min(f.Limit, MaxHistoryLimit)
	if f.ConnectionID != "" {
		f.ConnectionID = canonicalID(f.ConnectionID)
	}
	return f, nil
}

// AddHistory appends e to the history and returns it with its ID (and
// ExecutedAt, if it was zero) filled in. An unknown ConnectionID is a
// *ValidationError.
func (s *Store) AddHistory(ctx context.Context, e HistoryEntry) (HistoryEntry, error) {
	if strings.TrimSpace(e.SQL) == "" {
		return HistoryEntry{}, fmt.Errorf("add history: %w", invalid("sql", "the statement is empty"))
	}
	if e.DurationMs < 0 {
		return HistoryEntry{}, fmt.Errorf("add history: %w", invalid("durationMs", "duration must not be negative"))
	}
	if e.ConnectionID != "" {
		id, err := normaliseID("connectionId", e.ConnectionID)
		if err != nil {
			return HistoryEntry{}, fmt.Errorf("add history: %w", err)
		}
		e.ConnectionID = id
	}
	if e.ExecutedAt.IsZero() {
		e.ExecutedAt = now()
	}
	e.ExecutedAt = e.ExecutedAt.UTC().Truncate(time.Millisecond)
	var rowCount sql.NullInt64
	if e.RowCount != nil {
		rowCount = sql.NullInt64{Int64: *e.RowCount, Valid: true}
	}
	if len(e.Plan) > MaxPlanBytes || !json.Valid([]byte(e.Plan)) {
		e.Plan = ""
	}
	e.HasPlan = e.Plan != ""
	res, err := s.w.ExecContext(ctx, `
INSERT INTO query_history (connection_id, sql, executed_at, duration_ms, row_count, error_message, error_code, plan)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		nullString(e.ConnectionID), e.SQL, ms(e.ExecutedAt), e.DurationMs, rowCount,
		nullString(e.ErrorMessage), nullString(e.ErrorCode), nullString(e.Plan))
	if err != nil {
		if isForeignKeyViolation(err) {
			return HistoryEntry{}, fmt.Errorf("add history: %w", invalid("connectionId", "connection %s does not exist", e.ConnectionID))
		}
		return HistoryEntry{}, fmt.Errorf("add history: %w", err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return HistoryEntry{}, fmt.Errorf("add history: %w", err)
	}
	return e, nil
}

const historyColumns = `h.id, h.connection_id, h.sql, h.executed_at, h.duration_ms, h.row_count, h.error_message, h.error_code, h.plan IS NOT NULL`

// LoadHistory returns a page of history, newest first (most recently added
// first), optionally for one connection. It returns an empty, non-nil slice
// when there is nothing.
func (s *Store) LoadHistory(ctx context.Context, f HistoryFilter) ([]HistoryEntry, error) {
	f, err := f.normalise()
	if err != nil {
		return nil, fmt.Errorf("load history: %w", err)
	}
	// Two statements rather than "(? = '' OR connection_id = ?)", so the
	// filtered one can use the (connection_id, id) index.
	var rows *sql.Rows
	if f.ConnectionID == "" {
		rows, err = s.r.QueryContext(ctx, "SELECT "+historyColumns+` FROM query_history h
ORDER BY h.id DESC LIMIT ? OFFSET ?`, f.Limit, f.Offset)
	} else {
		rows, err = s.r.QueryContext(ctx, "SELECT "+historyColumns+` FROM query_history h
WHERE h.connection_id = ? ORDER BY h.id DESC LIMIT ? OFFSET ?`, f.ConnectionID, f.Limit, f.Offset)
	}
	if err != nil {
		return nil, fmt.Errorf("load history: %w", err)
	}
	out, err := scanHistory(rows)
	if err != nil {
		return nil, fmt.Errorf("load history: %w", err)
	}
	return out, nil
}

// SearchHistory returns a page of the history entries whose SQL contains
// every word of text as a word prefix ("sel ord" finds "SELECT * FROM
// orders"), newest first, optionally for one connection. Matching ignores
// case and diacritics; punctuation separates words, and words joined by
// punctuation must be adjacent ("public.ord" finds "public.orders").
//
// Any text is safe: quotes, FTS5 operators (AND, OR, NOT, NEAR, -, *, ^,
// parentheses, column filters) and unbalanced quotes are taken literally,
// never as query syntax. Text with no letters or digits searches for
// nothing in particular and returns the same page as LoadHistory.
func (s *Store) SearchHistory(ctx context.Context, text string, f HistoryFilter) ([]HistoryEntry, error) {
	match := ftsQuery(text)
	if match == "" {
		return s.LoadHistory(ctx, f)
	}
	f, err := f.normalise()
	if err != nil {
		return nil, fmt.Errorf("search history: %w", err)
	}
	// The full-text table drives the join in rowid (= id) order, newest
	// first, so LIMIT stops the scan early however common the words are.
	var rows *sql.Rows
	if f.ConnectionID == "" {
		rows, err = s.r.QueryContext(ctx, "SELECT "+historyColumns+`
FROM query_history_fts f JOIN query_history h ON h.id = f.rowid
WHERE query_history_fts MATCH ?
ORDER BY f.rowid DESC LIMIT ? OFFSET ?`, match, f.Limit, f.Offset)
	} else {
		rows, err = s.r.QueryContext(ctx, "SELECT "+historyColumns+`
FROM query_history_fts f JOIN query_history h ON h.id = f.rowid
WHERE query_history_fts MATCH ? AND h.connection_id = ?
ORDER BY f.rowid DESC LIMIT ? OFFSET ?`, match, f.ConnectionID, f.Limit, f.Offset)
	}
	if err != nil {
		return nil, fmt.Errorf("search history: %w", err)
	}
	out, err := scanHistory(rows)
	if err != nil {
		return nil, fmt.Errorf("search history: %w", err)
	}
	return out, nil
}

// ftsQuery turns what the user typed into an FTS5 MATCH expression that can
// never be a syntax error: each whitespace-separated word that has a letter or
// digit becomes a quoted string (inner quotes doubled) with a trailing *, a
// prefix phrase; the words are ANDed. It returns "" when no word qualifies.
func ftsQuery(text string) string {
	text = strings.ToValidUTF8(text, " ")
	words := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	})
	terms := make([]string, 0, min(len(words), maxSearchTerms))
	for _, w := range words {
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
		if len(terms) == maxSearchTerms {
			break
		}
	}
	return strings.Join(terms, " ")
}

func scanHistory(rows *sql.Rows) ([]HistoryEntry, error) {
	defer rows.Close()
	out := []HistoryEntry{}
	for rows.Next() {
		var (
			e               HistoryEntry
			conn, msg, code sql.NullString
			executed        int64
			rowCount        sql.NullInt64
		)
		if err := rows.Scan(&e.ID, &conn, &e.SQL, &executed, &e.DurationMs, &rowCount, &msg, &code, &e.HasPlan); err != nil {
			return nil, err
		}
		e.ConnectionID, e.ErrorMessage, e.ErrorCode = conn.String, msg.String, code.String
		e.ExecutedAt = fromMS(executed)
		if rowCount.Valid {
			n := rowCount.Int64
			e.RowCount = &n
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadHistoryPlan returns the plan saved with history entry id: the
// server's EXPLAIN (FORMAT JSON) text. An entry without a plan, or no such
// entry, is ErrNotFound.
func (s *Store) LoadHistoryPlan(ctx context.Context, id int64) (string, error) {
	var plan sql.NullString
	err := s.r.QueryRowContext(ctx, "SELECT plan FROM query_history WHERE id = ?", id).Scan(&plan)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !plan.Valid {
		return "", fmt.Errorf("load plan of history entry %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("load plan of history entry %d: %w", id, err)
	}
	return plan.String, nil
}

// ClearHistory deletes the history of one connection and returns how many
// entries were deleted (0 is not an error).
func (s *Store) ClearHistory(ctx context.Context, connectionID string) (int64, error) {
	res, err := s.w.ExecContext(ctx, "DELETE FROM query_history WHERE connection_id = ?", canonicalID(connectionID))
	if err != nil {
		return 0, fmt.Errorf("clear history of connection %s: %w", connectionID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("clear history of connection %s: %w", connectionID, err)
	}
	return n, nil
}

// ClearAllHistory deletes every history entry and returns how many there
// were.
func (s *Store) ClearAllHistory(ctx context.Context) (int64, error) {
	res, err := s.w.ExecContext(ctx, "DELETE FROM query_history")
	if err != nil {
		return 0, fmt.Errorf("clear history: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("clear history: %w", err)
	}
	return n, nil
}

// RebuildHistoryIndex rebuilds the full-text index of the history from the
// history itself. It repairs a damaged index (SearchHistory or Check failing
// with an error IsCorrupt recognises while Open found every table sound) and
// takes a few seconds for 100,000 entries; writers wait meanwhile.
func (s *Store) RebuildHistoryIndex(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, "INSERT INTO query_history_fts (query_history_fts) VALUES ('rebuild')"); err != nil {
		return fmt.Errorf("rebuild history index: %w", err)
	}
	// A connection that has read the damaged index keeps trusting its cached
	// copy of the index structure; drop the idle readers so the next search
	// reads the rebuilt one.
	s.recycleReaders()
	return nil
}
