package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mattn/go-sqlite3"
)

// RootFolder is the folder path of saved queries that are in no folder.
const RootFolder = "/"

// maxFolderPathLen bounds a cleaned folder path, in bytes.
const maxFolderPathLen = 1024

// SavedQuery is a statement the user saved under a name, in a folder.
type SavedQuery struct {
	// ID is a UUID; leave it empty on create to have one assigned.
	ID string `json:"id"`
	// ConnectionID is the connection the query was written for; "" for none.
	// Deleting that connection clears it and keeps the query.
	ConnectionID string `json:"connectionId,omitempty"`
	Name         string `json:"name"`
	SQL          string `json:"sql"`
	// FolderPath is a clean folder path such as "/reports/monthly"; "" is
	// saved as RootFolder. See CleanFolderPath.
	FolderPath  string `json:"folderPath"`
	Description string `json:"description,omitempty"`
	// CreatedAt and UpdatedAt are set by the store (UTC, millisecond precision).
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// CleanFolderPath returns the canonical form of a folder path: segments
// separated by single slashes, a leading slash, no trailing slash, each
// segment trimmed of surrounding spaces, "" and "/" both meaning RootFolder.
// So " reports// monthly/ " becomes "/reports/monthly". Segments "." and
// "..", control characters and paths longer than 1024 bytes are rejected
// with a *ValidationError for field "folderPath".
func CleanFolderPath(p string) (string, error) {
	var segs []string
	for seg := range strings.SplitSeq(p, "/") {
		seg = strings.TrimSpace(seg)
		switch {
		case seg == "":
			continue
		case seg == "." || seg == "..":
			return "", invalid("folderPath", "a folder cannot be named %q", seg)
		case strings.ContainsFunc(seg, unicode.IsControl):
			return "", invalid("folderPath", "a folder name cannot contain control characters")
		}
		segs = append(segs, seg)
	}
	clean := "/" + strings.Join(segs, "/")
	if len(clean) > maxFolderPathLen {
		return "", invalid("folderPath", "the folder path is longer than %d bytes", maxFolderPathLen)
	}
	return clean, nil
}

func (q SavedQuery) validate() (SavedQuery, error) {
	var err error
	if q.ID, err = normaliseID("id", q.ID); err != nil {
		return q, err
	}
	if q.ConnectionID != "" {
		if q.ConnectionID, err = normaliseID("connectionId", q.ConnectionID); err != nil {
			return q, err
		}
	}
	q.Name = strings.TrimSpace(q.Name)
	if q.Name == "" {
		return q, invalid("name", "a name is required")
	}
	if q.FolderPath, err = CleanFolderPath(q.FolderPath); err != nil {
		return q, err
	}
	return q, nil
}

// savedQueryError maps constraint violations of a write to validation errors.
func savedQueryError(op string, q SavedQuery, err error) error {
	var se sqlite3.Error
	switch {
	case isForeignKeyViolation(err):
		err = invalid("connectionId", "connection %s does not exist", q.ConnectionID)
	case errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey || se.ExtendedCode == sqlite3.ErrConstraintUnique):
		err = invalid("id", "a saved query with id %s already exists", q.ID)
	}
	return fmt.Errorf("%s saved query %s: %w", op, q.ID, err)
}

// CreateSavedQuery stores a new saved query and returns it as stored (ID,
// cleaned folder path and timestamps filled in). An ID that is already taken,
// an unknown ConnectionID, an empty name or a bad folder path is a
// *ValidationError.
func (s *Store) CreateSavedQuery(ctx context.Context, q SavedQuery) (SavedQuery, error) {
	q, err := q.validate()
	if err != nil {
		return SavedQuery{}, fmt.Errorf("create saved query: %w", err)
	}
	t := now()
	_, err = s.w.ExecContext(ctx, `
INSERT INTO saved_queries (id, connection_id, name, sql, folder_path, description, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		q.ID, nullString(q.ConnectionID), q.Name, q.SQL, q.FolderPath, q.Description, ms(t), ms(t))
	if err != nil {
		return SavedQuery{}, savedQueryError("create", q, err)
	}
	q.CreatedAt, q.UpdatedAt = t, t
	return q, nil
}

// UpdateSavedQuery replaces every field of the saved query with q.ID except
// CreatedAt, sets UpdatedAt to now and returns the query as stored. It returns
// an error matching ErrNotFound if there is no such query.
func (s *Store) UpdateSavedQuery(ctx context.Context, q SavedQuery) (SavedQuery, error) {
	if q.ID == "" {
		return SavedQuery{}, fmt.Errorf("update saved query: %w", invalid("id", "an id is required"))
	}
	q, err := q.validate()
	if err != nil {
		return SavedQuery{}, fmt.Errorf("update saved query: %w", err)
	}
	t := now()
	var created int64
	err = s.w.QueryRowContext(ctx, `
UPDATE saved_queries SET connection_id = ?, name = ?, sql = ?, folder_path = ?, description = ?, updated_at = ?
WHERE id = ? RETURNING created_at`,
		nullString(q.ConnectionID), q.Name, q.SQL, q.FolderPath, q.Description, ms(t), q.ID,
	).Scan(&created)
	if err == sql.ErrNoRows {
		return SavedQuery{}, fmt.Errorf("saved query %s: %w", q.ID, ErrNotFound)
	}
	if err != nil {
		return SavedQuery{}, savedQueryError("update", q, err)
	}
	q.CreatedAt, q.UpdatedAt = fromMS(created), t
	return q, nil
}

// MoveSavedQuery puts the saved query into folder (cleaned as by
// CleanFolderPath), sets UpdatedAt and returns the query as stored. It
// returns an error matching ErrNotFound if there is no such query.
func (s *Store) MoveSavedQuery(ctx context.Context, id, folder string) (SavedQuery, error) {
	folder, err := CleanFolderPath(folder)
	if err != nil {
		return SavedQuery{}, fmt.Errorf("move saved query %s: %w", id, err)
	}
	q, err := scanSavedQuery(s.w.QueryRowContext(ctx, `
UPDATE saved_queries SET folder_path = ?, updated_at = ? WHERE id = ?
RETURNING `+savedQueryColumns, folder, ms(now()), canonicalID(id)))
	if err == sql.ErrNoRows {
		return SavedQuery{}, fmt.Errorf("saved query %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return SavedQuery{}, fmt.Errorf("move saved query %s: %w", id, err)
	}
	return q, nil
}

const savedQueryColumns = `id, connection_id, name, sql, folder_path, description, created_at, updated_at`

func scanSavedQuery(row interface{ Scan(...any) error }) (SavedQuery, error) {
	var (
		q                SavedQuery
		conn             sql.NullString
		created, updated int64
	)
	if err := row.Scan(&q.ID, &conn, &q.Name, &q.SQL, &q.FolderPath, &q.Description, &created, &updated); err != nil {
		return SavedQuery{}, err
	}
	q.ConnectionID = conn.String
	q.CreatedAt, q.UpdatedAt = fromMS(created), fromMS(updated)
	return q, nil
}

// LoadSavedQuery returns the saved query with the given ID, or an error
// matching ErrNotFound.
func (s *Store) LoadSavedQuery(ctx context.Context, id string) (SavedQuery, error) {
	q, err := scanSavedQuery(s.r.QueryRowContext(ctx,
		"SELECT "+savedQueryColumns+" FROM saved_queries WHERE id = ?", canonicalID(id)))
	if err == sql.ErrNoRows {
		return SavedQuery{}, fmt.Errorf("saved query %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return SavedQuery{}, fmt.Errorf("load saved query %s: %w", id, err)
	}
	return q, nil
}

// LoadSavedQueries returns every saved query ordered by folder path, then
// name (case insensitive), then ID; an empty, non-nil slice when there are
// none.
func (s *Store) LoadSavedQueries(ctx context.Context) ([]SavedQuery, error) {
	return s.LoadSavedQueriesInFolder(ctx, RootFolder)
}

// LoadSavedQueriesInFolder returns the saved queries in folder and in all its
// subfolders ("/reports" includes "/reports/monthly" but not
// "/reports-old"), ordered as LoadSavedQueries. Folder names match case
// sensitively. A bad folder path is a *ValidationError.
func (s *Store) LoadSavedQueriesInFolder(ctx context.Context, folder string) ([]SavedQuery, error) {
	folder, err := CleanFolderPath(folder)
	if err != nil {
		return nil, fmt.Errorf("load saved queries: %w", err)
	}
	var rows *sql.Rows
	if folder == RootFolder {
		rows, err = s.r.QueryContext(ctx, "SELECT "+savedQueryColumns+
			" FROM saved_queries ORDER BY folder_path, name COLLATE NOCASE, name, id")
	} else {
		// "/a/" ≤ subfolder < "/a0" ('0' follows '/'): a range the index serves,
		// with no LIKE wildcards to escape.
		rows, err = s.r.QueryContext(ctx, "SELECT "+savedQueryColumns+` FROM saved_queries
WHERE folder_path = ? OR (folder_path >= ? AND folder_path < ?)
ORDER BY folder_path, name COLLATE NOCASE, name, id`, folder, folder+"/", folder+"0")
	}
	if err != nil {
		return nil, fmt.Errorf("load saved queries in %s: %w", folder, err)
	}
	defer rows.Close()
	out := []SavedQuery{}
	for rows.Next() {
		q, err := scanSavedQuery(rows)
		if err != nil {
			return nil, fmt.Errorf("load saved queries in %s: %w", folder, err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load saved queries in %s: %w", folder, err)
	}
	return out, nil
}

// LoadFolders returns every folder that holds a saved query, with all their
// ancestors and RootFolder, sorted ("/", "/reports", "/reports/monthly").
// Folders exist only through the queries in them: a folder whose last query
// is moved or deleted disappears.
func (s *Store) LoadFolders(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT folder_path FROM saved_queries")
	if err != nil {
		return nil, fmt.Errorf("load folders: %w", err)
	}
	defer rows.Close()
	set := map[string]struct{}{RootFolder: {}}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("load folders: %w", err)
		}
		for p != RootFolder && p != "" {
			set[p] = struct{}{}
			p = p[:strings.LastIndexByte(p, '/')]
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load folders: %w", err)
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out, nil
}

// DeleteSavedQuery deletes the saved query, or returns an error matching
// ErrNotFound if there is none.
func (s *Store) DeleteSavedQuery(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM saved_queries WHERE id = ?", canonicalID(id))
	if err != nil {
		return fmt.Errorf("delete saved query %s: %w", id, err)
	}
	return expectOne(res, "saved query", id)
}
