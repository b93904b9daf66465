package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/sqlfile"
)

// OpenFileRequest opens a .sql file.
type OpenFileRequest struct {
	// Path opens this file; "" asks with the native open dialog.
	Path string `json:"path"`
	argErr
}

func (r *OpenFileRequest) UnmarshalJSON(b []byte) error {
	type plain OpenFileRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// SaveFileRequest saves an editor tab to a .sql file.
type SaveFileRequest struct {
	// Path is the tab's file; "" (a tab never saved) asks where.
	Path string `json:"path"`
	// SaveAs asks where even when Path is set.
	SaveAs bool `json:"saveAs"`
	// Name is the file name the dialog suggests ("query.sql" when empty);
	// ".sql" is added when it has no extension.
	Name    string `json:"name"`
	Content string `json:"content"`
	// BOM and LineEnding are the file's conventions as OpenSQLFile
	// reported them, so saving keeps them; zero values write UTF-8
	// without BOM, line endings as given.
	BOM        bool   `json:"bom"`
	LineEnding string `json:"lineEnding"`
	argErr
}

func (r *SaveFileRequest) UnmarshalJSON(b []byte) error {
	type plain SaveFileRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

var sqlFilters = []runtime.FileFilter{
	{DisplayName: "SQL files (*.sql)", Pattern: "*.sql"},
	{DisplayName: "All files", Pattern: "*"},
}

// OpenSQLFile reads a .sql file, asking which with the native dialog when
// req.Path is empty; a cancelled dialog returns a File with an empty Path.
// Files that are not UTF-8 text or are over 16 MiB are refused with a
// Validation error that says why. The file goes first in the recent files.
func (a *App) OpenSQLFile(req OpenFileRequest) (sqlfile.File, error) {
	if bad := req.argError(); bad != nil {
		return sqlfile.File{}, bad
	}
	path := req.Path
	if path == "" {
		var err error
		path, err = a.desk.shell().OpenFileDialog(runtime.OpenDialogOptions{
			Title: "Open SQL File", DefaultDirectory: a.desk.lastDir(keyFileDir), Filters: sqlFilters,
		})
		if err != nil || path == "" {
			return sqlfile.File{}, err
		}
	}
	f, err := sqlfile.Read(path)
	if err != nil {
		return sqlfile.File{}, err
	}
	a.desk.rememberDir(keyFileDir, f.Path)
	a.desk.touchRecent(f.Path)
	return f, nil
}

// SaveSQLFile writes a tab's text to its file, atomically (a crash never
// leaves half a file). Without a path, or with SaveAs, it asks where with
// the native dialog; a cancelled dialog returns a Saved with an empty Path.
func (a *App) SaveSQLFile(req SaveFileRequest) (sqlfile.Saved, error) {
	if bad := req.argError(); bad != nil {
		return sqlfile.Saved{}, bad
	}
	if req.LineEnding != "" && req.LineEnding != sqlfile.LF && req.LineEnding != sqlfile.CRLF {
		return sqlfile.Saved{}, apperr.ValidationError(apperr.FieldError{Field: "lineEnding", Message: `the line ending must be "lf" or "crlf"`})
	}
	path := req.Path
	if path == "" || req.SaveAs {
		var ok bool
		var err error
		path, ok, err = a.askSavePath(req)
		if err != nil || !ok {
			return sqlfile.Saved{}, err
		}
	}
	saved, err := sqlfile.Write(path, req.Content, sqlfile.WriteOptions{BOM: req.BOM, LineEnding: req.LineEnding})
	if err != nil {
		return sqlfile.Saved{}, err
	}
	a.desk.rememberDir(keyFileDir, saved.Path)
	a.desk.touchRecent(saved.Path)
	return saved, nil
}

// askSavePath asks where to save; ok is false when the user cancelled.
func (a *App) askSavePath(req SaveFileRequest) (path string, ok bool, err error) {
	name := filepath.Base(strings.TrimSpace(req.Name))
	if name == "" || name == "." || name == string(filepath.Separator) {
		name = "query.sql"
	}
	if filepath.Ext(name) == "" {
		name += ".sql"
	}
	dir := a.desk.lastDir(keyFileDir)
	if req.Path != "" {
		dir, name = filepath.Dir(req.Path), filepath.Base(req.Path)
	}
	sh := a.desk.shell()
	path, err = sh.SaveFileDialog(runtime.SaveDialogOptions{
		Title: "Save SQL File", DefaultDirectory: dir, DefaultFilename: name,
		Filters: sqlFilters, CanCreateDirectories: true,
	})
	if err != nil || path == "" {
		return "", false, err
	}
	if filepath.Ext(path) != "" {
		return path, true, nil
	}
	// The dialog confirmed overwriting the name as typed, not this one.
	path += ".sql"
	if _, statErr := os.Stat(path); statErr == nil &&
		!sh.Ask("Replace file?", filepath.Base(path)+" already exists. Replace it?", "Replace", "Cancel") {
		return "", false, nil
	}
	return path, true, nil
}

// RecentFiles returns the recently opened or saved files, most recent
// first; files that no longer exist are not listed.
func (a *App) RecentFiles() []sqlfile.Recent {
	list, dropped := sqlfile.Existing(a.desk.currentRecent())
	if dropped {
		a.desk.mu.Lock()
		a.desk.recent = list
		a.desk.mu.Unlock()
		a.desk.recentChanged()
	}
	return list
}

// ClearRecentFiles empties the recent files (and File → Open Recent).
func (a *App) ClearRecentFiles() { a.desk.clearRecent() }

// NativeReady is called once by the frontend after it subscribed to
// menu:command, files:open and app:quit-requested. It returns the files to
// open now (command line, or files that arrived before it listened); from
// then on they come as files:open events, and closing the window asks the
// frontend first (see QuitRequest).
func (a *App) NativeReady() NativeState { return a.desk.readyNow() }
