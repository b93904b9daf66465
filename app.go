package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/credentials"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/jobs"
	"github.com/tusk-app/tusk/backend/logging"
	"github.com/tusk-app/tusk/backend/memory"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/state"
	"github.com/tusk-app/tusk/backend/storage"
)

// App is the API bound to the frontend. Every exported method is public
// JavaScript API (frontend/wailsjs/go/main/App): it validates input, calls a
// backend package and returns (T, error); errors reach JS as apperr.ErrorInfo
// through options.App.ErrorFormatter. Wails calls each method on its own
// goroutine, so App is safe for concurrent use.
type App struct {
	logs    *logging.Logging
	log     *logrus.Logger
	started time.Time // process start, for the startup figure

	// Set once in main before Wails runs: why the state is missing and which
	// directory was wanted, for the startup dialog.
	dataDirErr    error
	wantedDataDir string
	emitter       *wailsEmitter // nil in tests

	// desk is the native side: menu, files, window and the quit protocol.
	desk *desktop

	memory *memory.Returner
	jobs   jobs.Table // bound calls' work that outlasted the call (AwaitJob)

	mu      sync.Mutex // guards the fields below
	ctx     context.Context
	st      *state.State
	notices []Notice
	initDur time.Duration
}

// Notice is something the user should know about the app's own condition:
// a recovered store, console-only logging, a session-only keychain. It
// carries the same ErrorInfo a failed call would.
type Notice struct {
	Severity string           `json:"severity"` // info, warning or error
	Error    apperr.ErrorInfo `json:"error"`
}

func notice(severity string, kind apperr.Kind, title, message, hint string) Notice {
	return Notice{Severity: severity, Error: apperr.ErrorInfo{Kind: kind, Title: title, Message: message, Hint: hint}}
}

// AppInfo is what the start screen shows.
type AppInfo struct {
	Version       string             `json:"version"`
	DevBuild      bool               `json:"devBuild"`
	Platform      string             `json:"platform"`
	DataDir       string             `json:"dataDir"`
	StorePath     string             `json:"storePath"`
	StoreInMemory bool               `json:"storeInMemory"`
	LogPath       string             `json:"logPath"`
	Keychain      credentials.Status `json:"keychain"`
	StartupMs     float64            `json:"startupMs"`
	Notices       []Notice           `json:"notices"`
}

// returnMemoryAfter is how long after a result is released its memory goes
// back to the OS (a burst of closed tabs costs one collection).
const returnMemoryAfter = 200 * time.Millisecond

// returnMemoryFrom is the smallest result whose replacement by a re-run
// gives memory back at once; smaller ones wait for the runtime's own
// collections (a re-run of a short query costs no forced collection). A
// cleared result or a closed tab gives memory back whatever its size: the
// web process's grid of it goes too, and can hold more than the rows.
const returnMemoryFrom = 8 << 20

// collectWebMemoryAfter is how long after the Go side returned a result's
// memory the web process is asked to collect (webext/): by then the page has
// let go of the closed tab's pages and grid.
const collectWebMemoryAfter = 800 * time.Millisecond

// NewApp returns the bound API over an initialised state (which may be nil
// when the data directory could not be created: startup then asks the user
// for another location).
func NewApp(logs *logging.Logging, st *state.State, started time.Time) *App {
	a := &App{logs: logs, log: logs.Logger(), st: st, started: started}
	a.memory = memory.NewReturner(returnMemoryAfter, a.log)
	if w := logs.Warning(); w != "" {
		a.notices = append(a.notices, notice("warning", apperr.Storage, "Logging to the console only", w,
			"Check that the data directory is writable; Tusk keeps working without a log file."))
	}
	if st != nil {
		a.adoptState(st)
	}
	desk, err := newDesktop(a.log, a.store, event.EmitterFunc(a.emit), a.openWork)
	if err != nil {
		panic("the embedded command catalogue is broken: " + err.Error())
	}
	a.desk = desk
	return a
}

// store returns the local store, or why there is none.
func (a *App) store() (*storage.Store, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	return st.Store(), nil
}

// emit sends an event once Wails has started (events before are dropped).
func (a *App) emit(name string, payload any) {
	if a.emitter != nil {
		a.emitter.Emit(name, payload)
	}
}

// openWork lists the editor tabs that quitting would interrupt.
func (a *App) openWork() []query.OpenWork {
	st, err := a.state()
	if err != nil {
		return []query.OpenWork{}
	}
	return st.Queries().OpenWork()
}

// adoptState records st and the notices its opening produced. Callers hold
// no lock.
func (a *App) adoptState(st *state.State) {
	rep := st.StoreReport()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.st = st
	a.initDur = st.InitDuration()
	st.Queries().OnReleased(func(bytes int64) {
		if bytes >= returnMemoryFrom {
			a.memory.Released()
		}
	})
	if rep.Message != "" {
		sev := "warning"
		if rep.InMemory {
			sev = "error"
		}
		a.notices = append(a.notices, notice(sev, apperr.Storage, "Local store recovered", rep.Message, storeHint(rep.InMemory)))
	}
}

func storeHint(inMemory bool) string {
	if inMemory {
		return "Nothing you change in this session will be saved. Check the data directory and restart Tusk."
	}
	return "Saved connections, history and saved queries from the damaged file could not be kept; the old file was moved aside for recovery."
}

// state returns the current state or a Storage error when the app is running
// without one (the user declined to pick a data directory).
func (a *App) state() (*state.State, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.st == nil {
		return nil, apperr.New(apperr.Storage, "the data directory is not available")
	}
	return a.st, nil
}

// AppInfo returns the version, where data and logs live, and any notices
// from startup.
func (a *App) AppInfo() (AppInfo, error) {
	st, err := a.state()
	if err != nil {
		return AppInfo{}, err
	}
	a.mu.Lock()
	// The keychain's state is not a notice here: the sidebar says it in
	// plain words while it applies (KeychainStatus, keychain:status).
	notices := append([]Notice{}, a.notices...)
	initDur := a.initDur
	a.mu.Unlock()
	rep := st.StoreReport()
	return AppInfo{
		Version:       version,
		DevBuild:      devBuild,
		Platform:      runtime.GOOS + "/" + runtime.GOARCH,
		DataDir:       st.DataDir(),
		StorePath:     st.Store().Path(),
		StoreInMemory: rep.InMemory,
		LogPath:       a.logs.Path(),
		Keychain:      st.Credentials().Status(),
		StartupMs:     float64(initDur.Microseconds()) / 1000,
		Notices:       notices,
	}, nil
}

// UIStateKey names a persisted UI value.
type UIStateKey struct {
	Key string `json:"key"`
	argErr
}

// UIStateRequest stores Value (JSON text) under Key.
type UIStateRequest struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	argErr
}

// PickFileRequest titles the native file dialog.
type PickFileRequest struct {
	Title string `json:"title"`
	argErr
}

// TimingReport is a UI timing for the log.
type TimingReport struct {
	Name string  `json:"name"`
	Ms   float64 `json:"ms"`
	argErr
}

func (r *UIStateKey) UnmarshalJSON(b []byte) error {
	type plain UIStateKey
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

func (r *UIStateRequest) UnmarshalJSON(b []byte) error {
	type plain UIStateRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

func (r *PickFileRequest) UnmarshalJSON(b []byte) error {
	type plain PickFileRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

func (r *TimingReport) UnmarshalJSON(b []byte) error {
	type plain TimingReport
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// maxUIStateBytes bounds one persisted UI value (open tabs with their SQL can
// be large, but not unbounded).
const maxUIStateBytes = 8 << 20

// GetUIState returns the JSON stored under key, or "" when the key was never set.
func (a *App) GetUIState(req UIStateKey) (string, error) {
	st, err := a.begin(req)
	if err != nil {
		return "", err
	}
	if err := validateUIKey(req.Key); err != nil {
		return "", err
	}
	v, err := st.Store().LoadUIState(a.ctx0(), req.Key)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return string(v), nil
}

// SetUIState stores value (JSON text) under key.
func (a *App) SetUIState(req UIStateRequest) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	if err := validateUIKey(req.Key); err != nil {
		return err
	}
	if len(req.Value) > maxUIStateBytes {
		return apperr.ValidationError(apperr.FieldError{Field: "value", Message: fmt.Sprintf("the value is larger than %d MiB", maxUIStateBytes>>20)})
	}
	if !json.Valid([]byte(req.Value)) {
		return apperr.ValidationError(apperr.FieldError{Field: "value", Message: "the value is not valid JSON"})
	}
	return st.Store().SaveUIState(a.ctx0(), req.Key, json.RawMessage(req.Value))
}

func validateUIKey(key string) error {
	if key == "" || len(key) > 200 {
		return apperr.ValidationError(apperr.FieldError{Field: "key", Message: "the key must be 1 to 200 characters"})
	}
	return nil
}

// ctx0 is the app's lifetime context (Wails' startup context once started).
func (a *App) ctx0() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ctx == nil {
		return context.Background()
	}
	return a.ctx
}

// PickFile asks the user for a file (a certificate, a key) with the native
// dialog and returns its path, or "" when cancelled.
func (a *App) PickFile(req PickFileRequest) (string, error) {
	if bad := req.argError(); bad != nil {
		return "", bad
	}
	return a.desk.shell().OpenFileDialog(wruntime.OpenDialogOptions{Title: req.Title, ShowHiddenFiles: true})
}

// ReportTiming records a UI timing (e.g. first rows painted after the first
// page arrived) in the log, so figures from the real WebKit window can be
// read without a browser driver.
func (a *App) ReportTiming(req TimingReport) error {
	if bad := req.argError(); bad != nil {
		return bad
	}
	a.log.WithFields(logrus.Fields{"timing": req.Name, "ms": req.Ms}).Info("ui timing")
	return nil
}
