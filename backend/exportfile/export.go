// Package exportfile writes a stored result to a file the user chose, without
// ever destroying what was there: the rows go to a temporary file beside
// the target, which replaces the target only once it is complete. A
// cancelled or failed export leaves an existing file intact and no
// temporary file behind.
package exportfile

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/resultset"
)

// Formats an export can write.
const (
	CSV  = "csv"
	JSON = "json"
	SQL  = "sql"
)

// Extensions maps each format to the file extension added to a path that
// has none.
var Extensions = map[string]string{CSV: ".csv", JSON: ".json", SQL: ".sql"}

// ProgressInterval is the time between two export:progress events.
const ProgressInterval = 200 * time.Millisecond

// Request describes one export.
type Request struct {
	// Path is the target file; its extension is added when it has none.
	Path string
	// Format is CSV, JSON or SQL.
	Format string
	// Table names the target table of SQL INSERTs ("exported" when empty).
	Table string
	// ID names the export for export:progress and Cancel; "" for one
	// nobody watches.
	ID string
}

// Progress is the payload of export:progress: bytes written so far and
// the stored size of the rows (the output is roughly that size).
type Progress struct {
	ExportID  string `json:"exportId"`
	Bytes     int64  `json:"bytes"`
	DataBytes int64  `json:"dataBytes"`
}

// Result is where an export went and how many rows it wrote.
type Result struct {
	Path string
	Rows int64
}

// Exports runs exports, each cancellable by its ID. Safe for concurrent
// use.
type Exports struct {
	emit    event.Emitter
	running sync.Map // export ID → context.CancelFunc
}

// New returns an Exports that reports progress through emit.
func New(emit event.Emitter) *Exports {
	if emit == nil {
		emit = event.EmitterFunc(func(string, any) {})
	}
	return &Exports{emit: emit}
}

// ToFile streams set to req.Path in req.Format (never re-running the
// query), through a temporary file in the same directory that is renamed
// over the target at the end. ctx or Cancel(req.ID) stops it with a
// Cancelled error; the target is then untouched.
func (x *Exports) ToFile(ctx context.Context, set *resultset.Set, req Request) (Result, error) {
	ext, ok := Extensions[req.Format]
	if !ok {
		return Result{}, apperr.ValidationError(apperr.FieldError{Field: "format", Message: "the format must be csv, json or sql"})
	}
	path := req.Path
	if path == "" {
		return Result{}, apperr.ValidationError(apperr.FieldError{Field: "path", Message: "no file was chosen"})
	}
	if filepath.Ext(path) == "" {
		path += ext
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if req.ID != "" {
		x.running.Store(req.ID, cancel)
		defer x.running.Delete(req.ID)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tusk-*.part")
	if err != nil {
		return Result{}, fmt.Errorf("export to %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	counted := &countingWriter{w: tmp}
	stop := x.reportProgress(req.ID, counted, set.Stats().DataBytes)
	err = write(ctx, bufio.NewWriterSize(counted, 1<<20), set, req.Format, req.Table)
	stop()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = keepMode(path, tmp.Name())
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, apperr.New(apperr.Cancelled, "the export was cancelled").WithHint("The file was left as it was.")
		}
		return Result{}, fmt.Errorf("export to %s: %w", path, err)
	}
	done = true
	return Result{Path: path, Rows: set.Len()}, nil
}

// Cancel stops a running export; false when it had finished.
func (x *Exports) Cancel(id string) bool {
	cancel, ok := x.running.LoadAndDelete(id)
	if ok {
		cancel.(context.CancelFunc)()
	}
	return ok
}

// write streams the rows in format, then flushes.
func write(ctx context.Context, w *bufio.Writer, set *resultset.Set, format, table string) error {
	var err error
	switch format {
	case CSV:
		err = set.ExportCSV(ctx, w, resultset.CSVOptions{Header: true})
	case JSON:
		err = set.ExportJSON(ctx, w)
	case SQL:
		if table == "" {
			table = "exported"
		}
		err = set.ExportSQL(ctx, w, table)
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return w.Flush()
}

// keepMode gives the temporary file the permissions of the file it
// replaces (0600 for a new file, as os.CreateTemp made it).
func keepMode(target, tmp string) error {
	info, err := os.Stat(target)
	if err != nil {
		return nil
	}
	return os.Chmod(tmp, info.Mode().Perm())
}

// reportProgress emits export:progress every ProgressInterval until the
// returned stop is called; it does nothing for an export without an ID.
func (x *Exports) reportProgress(id string, w *countingWriter, total int64) (stop func()) {
	if id == "" {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(ProgressInterval)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				x.emit.Emit(event.ExportProgress, Progress{ExportID: id, Bytes: w.n.Load(), DataBytes: total})
			}
		}
	})
	return func() { close(quit); wg.Wait() }
}

// countingWriter counts the bytes that reached the file.
type countingWriter struct {
	w io.Writer
	n atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// WriteFile writes data to path the way ToFile does: into a temporary file
// beside it, renamed over path only once complete, keeping an existing
// file's permissions; on failure path is left as it was.
func WriteFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tusk-*.part")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = keepMode(path, tmp.Name())
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
