package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" database/sql driver
)

// busyTimeout is how long a connection waits for a lock held by another
// connection or process before failing with SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// Store is Tusk's local SQLite store. It is safe for concurrent use by
// multiple goroutines: writes go through one pooled connection (so they queue
// in Go, honouring ctx, instead of spinning on SQLite locks) and reads use a
// small pool of read-only connections that WAL lets run beside the writer.
// An in-memory store uses a single connection for both.
//
// Build one with Open or OpenInMemory and Close it on shutdown.
type Store struct {
	w        *sql.DB // writer: exactly one connection, BEGIN IMMEDIATE
	r        *sql.DB // readers: query_only; the same as w for an in-memory store
	path     string  // database file; "" for an in-memory store
	inMemory bool
	readers  int // size of the reader pool

	closeOnce sync.Once
	closeErr  error
}

// Report tells the app how Open went, so it can tell the user when the store
// was recovered or is only in memory. The zero value (apart from Path and
// SchemaVersion) means the file store opened normally and there is nothing
// to say. It is JSON-serialisable for the frontend.
type Report struct {
	// Path is the database file Open was asked to use, made absolute.
	Path string `json:"path"`
	// SchemaVersion is the migration version the store is at after Open.
	SchemaVersion int `json:"schemaVersion"`
	// Recovered is true when the file was damaged, was moved aside to MovedTo
	// and a fresh, empty store was created at Path.
	Recovered bool `json:"recovered"`
	// MovedTo is where the damaged file went ("" when nothing was moved).
	// Its -wal and -shm companions, if any, sit beside it with the same
	// suffixes.
	MovedTo string `json:"movedTo,omitempty"`
	// InMemory is true when no file store could be opened: Tusk runs on an
	// in-memory store and nothing is kept after exit.
	InMemory bool `json:"inMemory"`
	// Message is a sentence for the user; "" when all went well.
	Message string `json:"message,omitempty"`
	// Detail is the text of the underlying failure, for the details pane.
	Detail string `json:"detail,omitempty"`
	// Cause is the underlying failure, for the log; nil when all went well.
	Cause error `json:"-"`
}

// Problem reports whether the user should be told something.
func (r Report) Problem() bool { return r.Recovered || r.InMemory }

// Open opens (creating if needed) the store at path, applies pending
// migrations and checks the file's integrity. The directory must exist (see
// InitDataDir).
//
// Open keeps the app running whatever state the file is in:
//
//   - a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB, failed quick_check) is
//     closed, moved aside to <path>.corrupt-YYYYMMDD-HHMMSS with its -wal
//     and -shm files, and a fresh store is created at path;
//   - so is a file that holds no data at all (zero bytes, as a crash or a
//     full disk can leave it) and another program's SQLite database, which
//     SQLite would otherwise open as an empty store;
//   - if no file store can be opened (the fresh one included), Open returns
//     an in-memory store.
//
// The Report says which of these happened. Open returns an error only when
// ctx ends or not even an in-memory store can be opened.
func Open(ctx context.Context, path string) (*Store, Report, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	rep := Report{Path: path}
	_, statErr := os.Lstat(path)
	existed := statErr == nil
	var s *Store
	var err error
	switch {
	case existed && leftEmpty(path):
		err = &unrecognizedError{empty: true}
	case existed && isForeign(ctx, path):
		err = &unrecognizedError{}
	default:
		s, err = openFileRetrying(ctx, path)
	}
	if err == nil {
		rep.SchemaVersion, err = s.schemaVersion(ctx)
		if err == nil {
			return s, rep, nil
		}
		err = errors.Join(err, s.Close())
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, rep, fmt.Errorf("open store %s: %w", path, ctxErr)
	}
	var unknown *unrecognizedError
	if IsCorrupt(err) || errors.As(err, &unknown) {
		movedTo, mvErr := moveAside(path, time.Now())
		if mvErr == nil {
			rep.MovedTo = movedTo
			s, freshErr := openFileRetrying(ctx, path)
			if freshErr == nil {
				rep.Recovered = true
				rep.SchemaVersion = latestVersion()
				rep.Cause = err
				rep.Detail = err.Error()
				switch {
				case unknown != nil && unknown.empty:
					rep.Message = fmt.Sprintf("Tusk's local store was empty (the file held no data: it may have been cut short by a crash or a full disk), "+
						"so your saved connections, history and saved queries could not be read. The file was kept at %s and a new store was created; "+
						"restore the store from a backup if you have one.", movedTo)
				case unknown != nil:
					rep.Message = fmt.Sprintf("Tusk's local store file is not a Tusk store (it is another SQLite database). "+
						"It was kept at %s and a new, empty store was created.", movedTo)
				default:
					rep.Message = fmt.Sprintf("Tusk's local store was damaged and has been replaced by an empty one. "+
						"The damaged file was kept at %s.", movedTo)
				}
				return s, rep, nil
			}
			err = errors.Join(err, freshErr)
		} else {
			err = errors.Join(err, mvErr)
		}
	}

	mem, memErr := OpenInMemory(ctx)
	if memErr != nil {
		return nil, rep, fmt.Errorf("open store %s: %w", path, errors.Join(err, memErr))
	}
	rep.InMemory = true
	rep.SchemaVersion = latestVersion()
	rep.Cause = err
	rep.Detail = err.Error()
	switch {
	case rep.MovedTo != "":
		rep.Message = fmt.Sprintf("Tusk's local store was damaged (kept at %s) and a new one could not be created. "+
			"Tusk is using temporary storage: connections, history and saved queries will not be kept after you quit.", rep.MovedTo)
	case errors.Is(err, ErrSchemaTooNew):
		rep.Message = "Tusk's local store was written by a newer version of Tusk. It was left untouched. " +
			"Tusk is using temporary storage: changes will not be kept after you quit."
	default:
		rep.Message = "Tusk could not open its local store. " +
			"Tusk is using temporary storage: connections, history and saved queries will not be kept after you quit."
	}
	return mem, rep, nil
}

// OpenInMemory returns an empty, migrated store that lives in memory until
// Close. Each call gets its own database. Open uses it as its last resort;
// tests of other packages may use it directly.
func OpenInMemory(ctx context.Context) (*Store, error) {
	q := url.Values{}
	q.Set("mode", "memory")
	q.Set("cache", "shared")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	q.Set("_txlock", "immediate")
	dsn := "file:tusk-" + uuid.NewString() + "?" + q.Encode()
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open in-memory store: %w", err)
	}
	// One connection that is never recycled: the database lives exactly as
	// long as it does.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &Store{w: db, r: db, inMemory: true, readers: 1}
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open in-memory store: %w", err), db.Close())
	}
	if err := migrate(ctx, db); err != nil {
		return nil, errors.Join(fmt.Errorf("migrate in-memory store: %w", err), db.Close())
	}
	return s, nil
}

// openFileRetrying is openFile, retried while another connection or process
// holds a lock SQLite does not wait for (it returns SQLITE_BUSY at once, for
// example while a second process switches a new file to WAL), for up to
// busyTimeout.
func openFileRetrying(ctx context.Context, path string) (*Store, error) {
	deadline := time.Now().Add(busyTimeout)
	pause := 5 * time.Millisecond
	for {
		s, err := openFile(ctx, path)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return s, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open store %s: %w", path, errors.Join(err, ctx.Err()))
		case <-time.After(pause):
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// openFile opens the file store at path: writer first (pragmas, integrity
// check, migrations), then the reader pool. On failure everything it opened
// is closed, so the file may be moved. Open has checked before that an
// existing file is not empty or another program's database (leftEmpty,
// isForeign): opening it here would write to it.
func openFile(ctx context.Context, path string) (s *Store, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("resolve store path %q: %w", path, err)
	}
	w, err := sql.Open("sqlite3", fileDSN(abs, false))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	defer func() {
		if err != nil {
			err = errors.Join(err, w.Close())
		}
	}()
	if err := w.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	if err := checkStructure(ctx, w); err != nil {
		return nil, fmt.Errorf("check store %s: %w", abs, err)
	}
	if err := migrate(ctx, w); err != nil {
		return nil, fmt.Errorf("migrate store %s: %w", abs, err)
	}

	r, err := sql.Open("sqlite3", fileDSN(abs, true))
	if err != nil {
		return nil, fmt.Errorf("open store %s for reading: %w", abs, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(5 * time.Minute)
	if err := r.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open store %s for reading: %w", abs, err), r.Close())
	}
	return &Store{w: w, r: r, path: abs, readers: readers}, nil
}

// fileDSN is the go-sqlite3 DSN for the file at abs: a file: URI (so any
// character in the path is escaped) with the connection pragmas. The writer
// sets WAL (persistent in the file) and takes the write lock at BEGIN, so a
// transaction never fails upgrading a read lock; readers are query_only.
func fileDSN(abs string, readOnly bool) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") { // Windows: C:/x → /C:/x
		p = "/" + p
	}
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("_query_only", "on")
	} else {
		q.Set("_journal_mode", "WAL")
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}
	return u.String()
}

// checkStructure runs PRAGMA quick_check on each ordinary and shadow table
// in turn: every b-tree (tables, their indexes, the full-text index's
// storage) is walked and every row checked against its column types and
// constraints. Unlike a bare quick_check it skips the full-text index's own
// self-check (which walks the whole inverted index: ~300 ms at 100,000
// history entries, against ~30 ms for all of this) and the free-page
// accounting; Check runs those. It fails with errIntegrity, wrapped with what
// SQLite found, or with the driver's SQLITE_CORRUPT / SQLITE_NOTADB error.
func checkStructure(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx,
		"SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'shadow') ORDER BY name")
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("list tables: %w", err)
		}
		names = append(names, name)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	var problems []string
	for _, name := range names {
		p, err := quickCheck(ctx, db, "PRAGMA quick_check('"+strings.ReplaceAll(name, "'", "''")+"')")
		if err != nil {
			return fmt.Errorf("table %s: %w", name, err)
		}
		problems = append(problems, p...)
	}
	return integrityError(problems)
}

// quickCheck runs one quick_check statement and returns the problems it
// reports (none when its only row is "ok").
func quickCheck(ctx context.Context, db *sql.DB, stmt string) ([]string, error) {
	rows, err := db.QueryContext(ctx, stmt)
	if err != nil {
		return nil, fmt.Errorf("quick_check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, fmt.Errorf("quick_check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("quick_check: %w", err)
	}
	return problems, nil
}

// integrityError is nil for no problems, else errIntegrity wrapped with the
// first few of them.
func integrityError(problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	if len(problems) > 5 {
		problems = append(problems[:5:5], fmt.Sprintf("and %d more", len(problems)-5))
	}
	return fmt.Errorf("%w: %s", errIntegrity, strings.Join(problems, "; "))
}

// Check runs SQLite's full PRAGMA quick_check: everything Open checks plus
// the free-page lists and the internal structure of the history search
// index. It reads the whole file (~400 ms for 100,000 history entries), does
// not block other readers or the writer, and is meant for a background job or
// a "verify" command. Damage is reported as an error for which IsCorrupt is
// true. Open moves a file aside only for damage its own check finds; a
// damaged search index is repaired in place by RebuildHistoryIndex.
func (s *Store) Check(ctx context.Context) error {
	problems, err := quickCheck(ctx, s.r, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	if err := integrityError(problems); err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	return nil
}

// Path returns the absolute path of the database file, or "" for an
// in-memory store.
func (s *Store) Path() string { return s.path }

// InMemory reports whether the store lives only in memory (nothing survives
// Close).
func (s *Store) InMemory() bool { return s.inMemory }

// Close runs PRAGMA optimize and closes every connection; the last one
// checkpoints the WAL into the file. Calls after the first return the first
// result. Methods called after Close fail.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		// optimize is advisory (it refreshes planner statistics); a failure
		// here must not stop the close.
		_, _ = s.w.ExecContext(ctx, "PRAGMA optimize")
		var rerr error
		if s.r != s.w {
			rerr = s.r.Close()
		}
		if err := errors.Join(rerr, s.w.Close()); err != nil {
			s.closeErr = fmt.Errorf("close store: %w", err)
		}
	})
	return s.closeErr
}

// recycleReaders closes the idle reader connections, so the next reads open
// fresh ones. It is a no-op for an in-memory store, whose one connection
// holds the database.
func (s *Store) recycleReaders() {
	if s.r == s.w {
		return
	}
	s.r.SetMaxIdleConns(0)
	s.r.SetMaxIdleConns(s.readers)
}

// schemaVersion returns the highest applied migration version.
func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.r.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// now is the store's clock: UTC, truncated to the millisecond the columns
// keep, so a record read back compares Equal to what was written.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// ms converts t to the INTEGER Unix milliseconds stored in every timestamp
// column.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds back to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// nullString maps "" to NULL for optional reference and text columns.
func nullString(v string) sql.NullString { return sql.NullString{String: v, Valid: v != ""} }
