package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
	"github.com/tusk-app/tusk/backend/sqlfile"
	"github.com/tusk-app/tusk/backend/state"
)

// PageRequest asks for rows of one statement of a query.
type PageRequest struct {
	QueryID   string `json:"queryId"`
	Statement int    `json:"statement"`
	Offset    int64  `json:"offset"`
	Limit     int64  `json:"limit"`
}

// ExportRequest writes a statement's whole result to a file the user picks.
type ExportRequest struct {
	QueryID   string `json:"queryId"`
	Statement int    `json:"statement"`
	// Format is "csv", "json" or "sql".
	Format string `json:"format"`
	// Table names the target table of "sql" INSERTs.
	Table string `json:"table"`
	// Path skips the save dialog when set (tests, "export again").
	Path string `json:"path"`
	// ExportID names the export for export:progress events and
	// CancelExport; "" for an export nobody watches.
	ExportID string `json:"exportId"`
}

// ExportProgress is the payload of export:progress: bytes written so far
// and the stored size of the rows (the output is roughly that size).
type ExportProgress struct {
	ExportID  string `json:"exportId"`
	Bytes     int64  `json:"bytes"`
	DataBytes int64  `json:"dataBytes"`
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

// ExportResult is where an export went and how many rows it wrote.
type ExportResult struct {
	Path string `json:"path"`
	Rows int64  `json:"rows"`
}

// Execute starts SQL in an editor tab's session and returns the query ID at
// once; progress, completion and errors arrive as query:* events.
func (a *App) Execute(req query.Request) (query.Started, error) {
	st, err := a.state()
	if err != nil {
		return query.Started{}, err
	}
	return st.Queries().Execute(req)
}

// CancelQuery cancels a running query; false when it had already finished.
func (a *App) CancelQuery(id string) (bool, error) {
	st, err := a.state()
	if err != nil {
		return false, err
	}
	return st.Queries().Cancel(id), nil
}

// TerminateQuery ends a query the server would not cancel
// (pg_terminate_backend); the tab's session starts afresh.
func (a *App) TerminateQuery(id string) error {
	st, err := a.state()
	if err != nil {
		return err
	}
	return st.Queries().Terminate(id)
}

// DropQueryConnection closes a stuck query's network connection at once.
func (a *App) DropQueryConnection(id string) error {
	st, err := a.state()
	if err != nil {
		return err
	}
	return st.Queries().Drop(id)
}

// ResultPage returns rows of a statement, also while the query runs.
func (a *App) ResultPage(req PageRequest) (resultset.Page, error) {
	st, err := a.state()
	if err != nil {
		return resultset.Page{}, err
	}
	return st.Queries().Page(req.QueryID, req.Statement, req.Offset, req.Limit)
}

// ReleaseResults frees a query's stored rows (its tab was cleared).
func (a *App) ReleaseResults(queryID string) error {
	st, err := a.state()
	if err != nil {
		return err
	}
	st.Queries().Release(queryID)
	return nil
}

// CloseSession releases an editor tab: its query, results and pinned
// connection (an open transaction is rolled back).
func (a *App) CloseSession(sessionID string) error {
	st, err := a.state()
	if err != nil {
		return err
	}
	st.Queries().CloseSession(sessionID)
	return nil
}

// ExportResultToFile streams a statement's stored rows to a file (never
// re-running the query). Without Path it asks where with a save dialog,
// which starts in the folder of the last export (at first the user's
// Documents or Downloads folder); a cancelled dialog returns an empty Path.
func (a *App) ExportResultToFile(req ExportRequest) (ExportResult, error) {
	st, err := a.state()
	if err != nil {
		return ExportResult{}, err
	}
	set, err := st.Queries().ResultSet(req.QueryID, req.Statement)
	if err != nil {
		return ExportResult{}, err
	}
	ext := map[string]string{"csv": ".csv", "json": ".json", "sql": ".sql"}[req.Format]
	if ext == "" {
		return ExportResult{}, apperr.ValidationError(apperr.FieldError{Field: "format", Message: "the format must be csv, json or sql"})
	}
	path, err := a.exportPath(req, ext)
	if err != nil || path == "" {
		return ExportResult{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return ExportResult{}, fmt.Errorf("export to %s: %w", path, err)
	}
	counted := &countingWriter{w: f}
	w := bufio.NewWriterSize(counted, 1<<20)
	ctx, cancel := context.WithCancel(a.ctx0())
	defer cancel()
	if req.ExportID != "" {
		a.exports.Store(req.ExportID, cancel)
		defer a.exports.Delete(req.ExportID)
		stop := make(chan struct{})
		defer close(stop)
		total := set.Stats().DataBytes
		go func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					st, _ := a.state()
					if st != nil {
						st.Emitter().Emit(event.ExportProgress, ExportProgress{ExportID: req.ExportID, Bytes: counted.n.Load(), DataBytes: total})
					}
				}
			}
		}()
	}
	switch req.Format {
	case "csv":
		err = set.ExportCSV(ctx, w, resultset.CSVOptions{Header: true})
	case "json":
		err = set.ExportJSON(ctx, w)
	case "sql":
		table := req.Table
		if table == "" {
			table = "exported"
		}
		err = set.ExportSQL(ctx, w, table)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return ExportResult{}, fmt.Errorf("export to %s: %w", path, err)
	}
	return ExportResult{Path: path, Rows: set.Len()}, nil
}

// exportPath returns where an export goes: req.Path, or what the user
// picks in a save dialog ("" when cancelled), with ext added when the name
// has no extension. A picked folder is remembered for the next export.
func (a *App) exportPath(req ExportRequest, ext string) (string, error) {
	path := req.Path
	if path == "" {
		var err error
		path, err = a.desk.shell().SaveFileDialog(runtime.SaveDialogOptions{
			Title: "Export result", DefaultFilename: "result" + ext, CanCreateDirectories: true,
			DefaultDirectory: a.desk.lastDir(keyExportDir),
		})
		if err != nil || path == "" {
			return "", err
		}
		a.desk.rememberDir(keyExportDir, path)
	}
	if filepath.Ext(path) == "" {
		path += ext
	}
	return path, nil
}

// CancelExport stops a running export; its partial file is removed and the
// export call fails with a Cancelled error. False when it had finished.
func (a *App) CancelExport(exportID string) bool {
	cancel, ok := a.exports.LoadAndDelete(exportID)
	if ok {
		cancel.(context.CancelFunc)()
	}
	return ok
}

// QuerySummary returns a query's summary: final once it finished, the
// statements so far while it runs.
func (a *App) QuerySummary(id string) (query.Summary, error) {
	st, err := a.state()
	if err != nil {
		return query.Summary{}, err
	}
	return st.Queries().Summary(id)
}

// EventPayloads is the type of every event payload, one field per event
// name. It carries no data: the method exists so the generated TypeScript
// has the payload types (frontend/src/lib/api/events.ts maps names to them).
type EventPayloads struct {
	PoolStatus     connection.PoolStatus `json:"poolStatus"`
	ConnectionLost state.ConnectionLost  `json:"connectionLost"`
	KeychainStatus credentials.Status    `json:"keychainStatus"`
	QueryProgress  query.Progress        `json:"queryProgress"`
	QueryDone      query.Summary         `json:"queryDone"`
	QueryStuck     query.Stuck           `json:"queryStuck"`
	SchemaLoaded   state.SchemaLoaded    `json:"schemaLoaded"`
	ExportProgress ExportProgress        `json:"exportProgress"`
	MenuCommand    MenuCommand           `json:"menuCommand"`
	FilesOpen      FilesOpen             `json:"filesOpen"`
	RecentFiles    []sqlfile.Recent      `json:"recentFiles"`
	QuitRequested  QuitRequest           `json:"quitRequested"`
	TableChanged   state.TableChanged    `json:"tableChanged"`
}

// EventPayloads returns zero values; see the type.
func (a *App) EventPayloads() EventPayloads { return EventPayloads{} }
