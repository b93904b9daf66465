package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// corruptTimeLayout is the timestamp in the name a damaged store is moved to.
const corruptTimeLayout = "20060102-150405"

// moveAside renames the damaged database at path to
// <path>.corrupt-YYYYMMDD-HHMMSS (local time; "-2", "-3", … appended if that
// name is taken) and its -wal and -shm files to the same name plus their
// suffix, so they stay a usable pair for anyone trying to rescue data. It
// returns the new name of the main file. The store must be closed.
func moveAside(path string, at time.Time) (string, error) {
	base := path + ".corrupt-" + at.Format(corruptTimeLayout)
	target := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			break
		} else if err != nil {
			return "", fmt.Errorf("move damaged store aside: %w", err)
		}
		if i > 100 {
			return "", fmt.Errorf("move damaged store aside: too many earlier copies named %s-N", base)
		}
		target = base + "-" + strconv.Itoa(i)
	}
	if err := os.Rename(path, target); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("move damaged store aside: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Rename(path+suffix, target+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("move damaged store aside: %w", err)
		}
	}
	return target, nil
}

// unrecognizedError reports a store file that exists but is not a Tusk
// store: empty (no tables at all — a file cut short, or created by someone
// else) or another application's database. Open moves it aside like a
// damaged file instead of migrating it into an empty store.
type unrecognizedError struct {
	empty bool
}

func (e *unrecognizedError) Error() string {
	if e.empty {
		return "the store file is empty"
	}
	return "the store file is an SQLite database without Tusk's schema"
}

// isForeign reports whether the existing file at path is an SQLite
// database with tables but without schema_migrations, which Tusk creates
// before any other table: another program's database, never Tusk's store.
// It reads the file without writing to it. A file it cannot read (damaged,
// locked) or without tables (another process may be creating the store
// right now) is not foreign: openFile deals with it.
func isForeign(ctx context.Context, path string) bool {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "mode=ro"}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path
	}
	db, err := sql.Open("sqlite3", u.String())
	if err != nil {
		return false
	}
	defer db.Close()
	var tables, marker int
	err = db.QueryRowContext(ctx,
		"SELECT count(*), count(*) FILTER (WHERE name = 'schema_migrations') FROM sqlite_master WHERE type = 'table'").
		Scan(&tables, &marker)
	return err == nil && tables > 0 && marker == 0
}

// emptySettle is how long a zero-byte store file must stay empty before
// Open calls it empty: a process creating the store writes its header
// within a millisecond of creating the file.
const emptySettle = 100 * time.Millisecond

// leftEmpty reports whether the store file at path has no data at all —
// zero bytes and no write-ahead log with pages in it — and stays so for
// emptySettle. SQLite would open it as a new database, and the user's data
// would be gone without a word.
func leftEmpty(path string) bool {
	empty := func() bool {
		info, err := os.Stat(path)
		if err != nil || info.Size() != 0 {
			return false
		}
		wal, err := os.Stat(path + "-wal")
		return err != nil || wal.Size() == 0
	}
	if !empty() {
		return false
	}
	time.Sleep(emptySettle)
	return empty()
}
