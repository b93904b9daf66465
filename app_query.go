package main

import (
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/exportfile"
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
	// FirstColumn and Columns ask for a window of the columns only (Columns
	// 0: every column from FirstColumn on); see resultset.PageOptions.
	FirstColumn int `json:"firstColumn"`
	Columns     int `json:"columns"`
	argErr
}

func (r *PageRequest) UnmarshalJSON(b []byte) error {
	type plain PageRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
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
	argErr
}

func (r *ExportRequest) UnmarshalJSON(b []byte) error {
	type plain ExportRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ExecuteRequest starts SQL in an editor tab's session (see query.Request).
type ExecuteRequest struct {
	query.Request
	argErr
}

func (r *ExecuteRequest) UnmarshalJSON(b []byte) error {
	type plain ExecuteRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ExportResult is where an export went and how many rows it wrote.
type ExportResult struct {
	Path string `json:"path"`
	Rows int64  `json:"rows"`
}

// Execute starts SQL in an editor tab's session and returns the query ID at
// once; progress, completion and errors arrive as query:* events.
func (a *App) Execute(req ExecuteRequest) (query.Started, error) {
	st, err := a.begin(req)
	if err != nil {
		return query.Started{}, err
	}
	return st.Queries().Execute(req.Request)
}

// CancelQuery cancels a running query; false when it had already finished.
func (a *App) CancelQuery(req QueryRef) (bool, error) {
	st, err := a.begin(req)
	if err != nil {
		return false, err
	}
	return st.Queries().Cancel(req.QueryID), nil
}

// TerminateQuery ends a query the server would not cancel
// (pg_terminate_backend); the tab's session starts afresh.
func (a *App) TerminateQuery(req QueryRef) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.Queries().Terminate(req.QueryID)
}

// DropQueryConnection closes a stuck query's network connection at once.
func (a *App) DropQueryConnection(req QueryRef) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.Queries().Drop(req.QueryID)
}

// ResultPage returns rows of a statement, also while the query runs.
func (a *App) ResultPage(req PageRequest) (resultset.Page, error) {
	st, err := a.begin(req)
	if err != nil {
		return resultset.Page{}, err
	}
	return st.Queries().PageWith(req.QueryID, req.Statement, req.Offset, req.Limit,
		resultset.PageOptions{FirstColumn: req.FirstColumn, Columns: req.Columns})
}

// ReleaseResults frees a query's stored rows (its tab was cleared).
func (a *App) ReleaseResults(req QueryRef) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	st.Queries().Release(req.QueryID)
	a.memory.Released() // whatever the result's size: the grid that showed it goes too
	return nil
}

// CloseSession releases an editor tab: its query, results and pinned
// connection (an open transaction is rolled back).
func (a *App) CloseSession(req SessionRef) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	st.Queries().CloseSession(req.SessionID)
	a.memory.Released() // whatever the result's size: the tab's grid and editor go too
	return nil
}

// ExportResultToFile writes a statement's stored rows to a file (never
// re-running the query) through a temporary file that replaces the target
// only when complete. Without Path it asks where with a save dialog, which
// starts in the folder of the last export (at first the user's Documents or
// Downloads folder); a cancelled dialog returns an empty Path.
func (a *App) ExportResultToFile(req ExportRequest) (ExportResult, error) {
	st, err := a.begin(req)
	if err != nil {
		return ExportResult{}, err
	}
	set, err := st.Queries().ResultSet(req.QueryID, req.Statement)
	if err != nil {
		return ExportResult{}, err
	}
	ext, ok := exportfile.Extensions[req.Format]
	if !ok {
		return ExportResult{}, apperr.ValidationError(apperr.FieldError{Field: "format", Message: "the format must be csv, json or sql"})
	}
	path, err := a.exportPath(req, ext)
	if err != nil || path == "" {
		return ExportResult{}, err
	}
	res, err := st.Exports().ToFile(a.ctx0(), set, exportfile.Request{Path: path, Format: req.Format, Table: req.Table, ID: req.ExportID})
	return ExportResult{Path: res.Path, Rows: res.Rows}, err
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

// CancelExport stops a running export; the file it would replace is left
// as it was, and the export call fails with a Cancelled error. False when
// it had finished.
func (a *App) CancelExport(req ExportRef) (bool, error) {
	st, err := a.begin(req)
	if err != nil {
		return false, err
	}
	return st.Exports().Cancel(req.ExportID), nil
}

// QuerySummary returns a query's summary: final once it finished, the
// statements so far while it runs.
func (a *App) QuerySummary(req QueryRef) (query.Summary, error) {
	st, err := a.begin(req)
	if err != nil {
		return query.Summary{}, err
	}
	return st.Queries().Summary(req.QueryID)
}

// EventPayloads is the type of every event payload, one field per event
// name. It carries no data: the method exists so the generated TypeScript
// has the payload types (frontend/src/lib/api/events.ts maps names to them).
type EventPayloads struct {
	PoolStatus     connection.PoolStatus `json:"poolStatus"`
	ConnectionLost state.ConnectionLost  `json:"connectionLost"`
	ConnState      state.ConnectionState `json:"connectionState"`
	SessionLost    query.SessionLost     `json:"sessionLost"`
	KeychainStatus credentials.Status    `json:"keychainStatus"`
	QueryProgress  query.Progress        `json:"queryProgress"`
	QueryDone      query.Summary         `json:"queryDone"`
	QueryStuck     query.Stuck           `json:"queryStuck"`
	SchemaLoaded   state.SchemaLoaded    `json:"schemaLoaded"`
	ExportProgress exportfile.Progress   `json:"exportProgress"`
	MenuCommand    MenuCommand           `json:"menuCommand"`
	FilesOpen      FilesOpen             `json:"filesOpen"`
	RecentFiles    []sqlfile.Recent      `json:"recentFiles"`
	QuitRequested  QuitRequest           `json:"quitRequested"`
	TableChanged   state.TableChanged    `json:"tableChanged"`
}

// EventPayloads returns zero values; see the type.
func (a *App) EventPayloads() EventPayloads { return EventPayloads{} }
