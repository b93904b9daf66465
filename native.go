package main

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/command"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/sqlfile"
	"github.com/tusk-app/tusk/backend/storage"
	"github.com/tusk-app/tusk/backend/userdir"
	"github.com/tusk-app/tusk/backend/window"
)

// catalogueJSON is the command catalogue the frontend's palette also reads.
//
//go:embed frontend/src/lib/commands/catalogue.json
var catalogueJSON []byte

// Keys of the desktop's own entries in the UI state store.
const (
	keyRecentFiles = "native.recentFiles"
	keyWindow      = "native.window"
	keyFileDir     = "native.fileDir"   // folder of the last .sql file opened or saved
	keyExportDir   = "native.exportDir" // folder of the last export
)

// Where files handed to the app came from (FilesOpen.Source).
const (
	SourceArgs     = "args"     // the command line of this launch
	SourceInstance = "instance" // the command line of a second launch
	SourceDrop     = "drop"     // dropped on the window
	SourceRecent   = "recent"   // File → Open Recent
)

// MenuCommand is the payload of menu:command.
type MenuCommand struct {
	ID string `json:"id"`
}

// FilesOpen is the payload of files:open: absolute paths to open in tabs,
// each read with OpenSQLFile (which refuses what is not a UTF-8 .sql file of
// a sensible size, with an error to show).
type FilesOpen struct {
	Paths  []string `json:"paths"`
	Source string   `json:"source"`
}

// windowLimits are the main window's size rules.
var windowLimits = window.Limits{MinWidth: 720, MinHeight: 480, DefaultWidth: 1280, DefaultHeight: 800}

// toolkit is what the desktop needs beyond Wails' runtime (see gtkShell);
// nil where Wails suffices.
type toolkit interface {
	setSubmenu(top, label string, items []menuEntry) error
	showShortcuts(cat *command.Catalogue) error
	geometry() (window.State, []window.Rect, error)
	place(restore func(monitors []window.Rect) window.Placement) error
}

// menuEntry is one item of a submenu the app fills at run time.
type menuEntry struct {
	Label string // "-" for a separator
	Path  string // what choosing it opens; "" and !Clear: a disabled item
	Clear bool   // the Clear Recent Files item
}

// desktop is the native side of the app: the application menu, files handed
// to the app (command line, second launch, drop, Open Recent), the
// recent-files list, the window's geometry and title, and the quit
// protocol. Safe for concurrent use.
type desktop struct {
	log   *logrus.Logger
	store func() (*storage.Store, error)
	emit  event.Emitter
	cat   *command.Catalogue
	dirs  userdir.Dirs
	kit   toolkit // nil off Linux and in tests
	quit  *quitGuard
	// exit shuts the app down and ends the process, when a signal's quit
	// does not close the window within QuitGrace; nil exits at once.
	exit func()

	mu      sync.Mutex // guards the fields below
	sh      shell      // nil until Wails started
	ready   bool       // the frontend called NativeReady
	pending []string   // files that arrived before the frontend listened
	recent  []sqlfile.Recent
	menu    *menu.Menu // the application menu
	recentM *menu.Menu // its Open Recent submenu (updated in place off Linux)
	title   string
}

// newDesktop parses the catalogue and reads the recent files.
func newDesktop(log *logrus.Logger, store func() (*storage.Store, error), emit event.Emitter, openWork func() []query.OpenWork) (*desktop, error) {
	cat, err := command.Parse(catalogueJSON)
	if err != nil {
		return nil, err
	}
	d := &desktop{log: log, store: store, emit: emit, cat: cat, dirs: userdir.FromEnv()}
	d.quit = &quitGuard{
		emit:       emit,
		openWork:   openWork,
		ask:        func(title, message string) bool { return d.shell().Ask(title, message, "Quit", "Cancel") },
		quit:       func() { d.shell().Quit() },
		beforeExit: d.saveWindow,
		ackTimeout: 3 * time.Second,
	}
	d.recent = d.loadRecent()
	return d, nil
}

// shell returns Wails' runtime, or a shell that does nothing before start.
func (d *desktop) shell() shell {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sh == nil {
		return nopShell{}
	}
	return d.sh
}

// configure adds the desktop's options to Wails' before it runs: the menu,
// file drop, the single-instance lock, the close guard and the window size.
func (d *desktop) configure(opts *options.App, dataDir string) error {
	recent := menu.NewMenu()
	fillRecentMenu(recent, recentEntries(d.currentRecent(), d.dirs.Home), d.recentChosen)
	m, err := d.cat.Menu(command.MenuOptions{
		OnCommand: d.command,
		Submenus:  map[string]*menu.Menu{"recent": recent},
		MacOS:     goruntime.GOOS == "darwin",
	})
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.menu, d.recentM = m, recent
	d.mu.Unlock()
	opts.Menu = m
	opts.DragAndDrop = &options.DragAndDrop{EnableFileDrop: true}
	opts.SingleInstanceLock = &options.SingleInstanceLock{UniqueId: instanceID(dataDir), OnSecondInstanceLaunch: d.secondInstance}
	opts.OnBeforeClose = func(context.Context) bool { return d.quit.beforeClose() }
	if probeJS != "" {
		opts.OnDomReady = func(ctx context.Context) { runtime.WindowExecJS(ctx, probeJS) }
	}
	saved, ok := d.savedWindow()
	p := window.Restore(saved, ok, nil, windowLimits)
	opts.Width, opts.Height = p.Width, p.Height
	if p.Maximised {
		opts.WindowStartState = options.Maximised
	}
	return nil
}

// instanceID names the single-instance lock: one running Tusk per data
// directory, so a second profile (TUSK_DATA_DIR) or a test run beside the
// user's app is not handed over to it.
func instanceID(dataDir string) string {
	sum := sha256.Sum256([]byte(dataDir))
	return fmt.Sprintf("tusk-%x", sum[:6])
}

// start runs from OnStartup: it connects the desktop to Wails' runtime.
func (d *desktop) start(ctx context.Context) {
	d.mu.Lock()
	d.sh = wailsShell{ctx}
	d.mu.Unlock()
	runtime.OnFileDrop(ctx, func(_, _ int, paths []string) { d.openPaths(paths, SourceDrop) })
	d.handleSignals()
	if d.kit == nil {
		return
	}
	go func() {
		if err := d.kit.place(func(monitors []window.Rect) window.Placement {
			saved, ok := d.savedWindow()
			return window.Restore(saved, ok, monitors, windowLimits)
		}); err != nil {
			d.log.WithError(err).Warn("could not restore the window's position")
		}
		if err := d.kit.showShortcuts(d.cat); err != nil {
			d.log.WithError(err).Warn("could not show the menu's shortcuts")
		}
	}()
}

// handleSignals quits on SIGTERM, SIGINT or SIGHUP without asking (the
// session is ending or someone means it). A second signal, or a quit that
// has not finished after QuitGrace (gtk_main_quit is lost when the GTK main
// loop has not started yet), shuts down and ends the process.
//
// Wails' own handler (installed by wails.Run, before OnStartup) closes the
// window through OnBeforeClose, which would race this one and ask the
// frontend first; Reset takes SIGTERM and SIGINT from it.
func (d *desktop) handleSignals() {
	ch := make(chan os.Signal, 2)
	signal.Reset(syscall.SIGTERM, syscall.SIGINT)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	go func() {
		sig := <-ch
		d.log.WithField("signal", sig.String()).Info("quitting on a signal")
		t := time.AfterFunc(QuitGrace, func() {
			d.log.Warn("the window did not close after the signal; shutting down without it")
			d.exitNow()
		})
		go d.quit.confirm()
		<-ch
		t.Stop()
		d.exitNow()
	}()
}

// exitNow runs d.exit, or ends the process at once without one.
func (d *desktop) exitNow() {
	if d.exit != nil {
		d.exit()
		return
	}
	os.Exit(1)
}

// command is what every application menu item does.
func (d *desktop) command(id string) {
	d.log.WithField("command", id).Debug("menu command")
	if id == "file.quit" { // through the close guard, which works without the frontend
		d.shell().Quit()
		return
	}
	d.emit.Emit(event.MenuCommand, MenuCommand{ID: id})
}

// secondInstance receives the command line of a second launch.
func (d *desktop) secondInstance(data options.SecondInstanceData) {
	d.log.WithField("args", len(data.Args)).Info("a second launch handed over")
	d.shell().Focus()
	if paths := fileArgs(data.Args, data.WorkingDirectory); len(paths) > 0 {
		d.openPaths(paths, SourceInstance)
	}
}

// fileArgs returns the file arguments of a command line as absolute paths:
// everything not starting with "-", and everything after "--".
func fileArgs(args []string, wd string) []string {
	var out []string
	files := false
	for _, a := range args {
		switch {
		case a == "":
			continue
		case !files && a == "--":
			files = true
			continue
		case !files && strings.HasPrefix(a, "-"):
			continue
		}
		if !filepath.IsAbs(a) {
			a = filepath.Join(wd, a)
		}
		out = append(out, filepath.Clean(a))
	}
	return out
}

// openPaths hands files to the frontend: at once when it listens, else
// when it calls NativeReady.
func (d *desktop) openPaths(paths []string, source string) {
	if len(paths) == 0 {
		return
	}
	d.mu.Lock()
	if !d.ready {
		d.pending = append(d.pending, paths...)
		d.mu.Unlock()
		return
	}
	d.mu.Unlock()
	d.emit.Emit(event.FilesOpen, FilesOpen{Paths: paths, Source: source})
}

// NativeState is what the frontend gets when it starts listening.
type NativeState struct {
	// Files are the files to open now: given on the command line, or that
	// arrived before the frontend listened.
	Files  []string         `json:"files"`
	Recent []sqlfile.Recent `json:"recent"`
	// Platform is runtime.GOOS: "linux", "darwin" or "windows".
	Platform string `json:"platform"`
}

// readyNow marks the frontend as listening and drains the pending files.
func (d *desktop) readyNow() NativeState {
	d.quit.setReady()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ready = true
	files := d.pending
	d.pending = nil
	if files == nil {
		files = []string{}
	}
	return NativeState{Files: files, Recent: append([]sqlfile.Recent{}, d.recent...), Platform: goruntime.GOOS}
}

// --- recent files ---

func (d *desktop) loadRecent() []sqlfile.Recent {
	var list []sqlfile.Recent
	if !d.loadJSON(keyRecentFiles, &list) {
		return []sqlfile.Recent{}
	}
	existing, dropped := sqlfile.Existing(list)
	if dropped {
		d.saveJSON(keyRecentFiles, existing)
	}
	return existing
}

func (d *desktop) currentRecent() []sqlfile.Recent {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]sqlfile.Recent{}, d.recent...)
}

// touchRecent puts path first in the recent files.
func (d *desktop) touchRecent(path string) {
	d.mu.Lock()
	d.recent = sqlfile.AddRecent(d.recent, path, time.Now())
	d.mu.Unlock()
	d.recentChanged()
}

// clearRecent empties the recent files.
func (d *desktop) clearRecent() {
	d.mu.Lock()
	d.recent = []sqlfile.Recent{}
	d.mu.Unlock()
	d.recentChanged()
}

// recentChosen is an Open Recent item: a path, or "" for Clear.
func (d *desktop) recentChosen(path string) {
	if path == "" {
		d.clearRecent()
		return
	}
	d.openPaths([]string{path}, SourceRecent)
}

// recentChanged saves the list, redraws Open Recent and tells the frontend.
func (d *desktop) recentChanged() {
	list := d.currentRecent()
	d.saveJSON(keyRecentFiles, list)
	entries := recentEntries(list, d.dirs.Home)
	d.mu.Lock()
	recentM, started := d.recentM, d.sh != nil
	d.mu.Unlock()
	switch {
	case d.kit != nil && started:
		if err := d.kit.setSubmenu("File", d.recentLabel(), entries); err != nil {
			d.log.WithError(err).Warn("could not update Open Recent")
		}
	case recentM != nil:
		d.mu.Lock()
		fillRecentMenu(recentM, entries, d.recentChosen)
		d.mu.Unlock()
		if started {
			d.shell().UpdateMenu()
		}
	}
	d.emit.Emit(event.RecentFiles, list)
}

func (d *desktop) recentLabel() string {
	for _, c := range d.cat.Commands {
		if c.Submenu == "recent" {
			return c.Label
		}
	}
	return "Open Recent"
}

// recentEntries are the items of Open Recent: "name — folder" per file
// (the home folder written ~), then Clear Recent Files.
func recentEntries(list []sqlfile.Recent, home string) []menuEntry {
	if len(list) == 0 {
		return []menuEntry{{Label: "No Recent Files"}}
	}
	out := make([]menuEntry, 0, len(list)+2)
	for _, r := range list {
		dir := r.Dir
		if home != "" && (dir == home || strings.HasPrefix(dir, home+string(filepath.Separator))) {
			dir = "~" + dir[len(home):]
		}
		out = append(out, menuEntry{Label: r.Name + " — " + dir, Path: r.Path})
	}
	return append(out, menuEntry{Label: "-"}, menuEntry{Label: "Clear Recent Files", Clear: true})
}

// fillRecentMenu replaces m's items with entries (Wails' menu model).
func fillRecentMenu(m *menu.Menu, entries []menuEntry, chosen func(path string)) {
	m.Items = nil
	for _, e := range entries {
		if e.Label == "-" {
			m.AddSeparator()
			continue
		}
		path := e.Path
		item := m.AddText(e.Label, nil, func(*menu.CallbackData) { go chosen(path) })
		item.Disabled = path == "" && !e.Clear
	}
}

// --- folders ---

// lastDir returns the remembered folder under key if it still exists, else
// the user's Documents (or Downloads, or home) folder.
func (d *desktop) lastDir(key string) string {
	var dir string
	if d.loadJSON(key, &dir) && dir != "" {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	return d.dirs.ForSaving()
}

func (d *desktop) rememberDir(key, path string) { d.saveJSON(key, filepath.Dir(path)) }

// --- window ---

func (d *desktop) savedWindow() (window.State, bool) {
	var st window.State
	ok := d.loadJSON(keyWindow, &st)
	return st, ok
}

// saveWindow records the window's geometry; it runs while the window
// closes, before the GTK main loop stops.
func (d *desktop) saveWindow() {
	d.mu.Lock()
	sh := d.sh
	d.mu.Unlock()
	if sh == nil {
		return
	}
	var cur window.State
	if d.kit != nil {
		st, _, err := d.kit.geometry()
		if err != nil {
			d.log.WithError(err).Warn("could not read the window's geometry")
			return
		}
		cur = st
	} else {
		cur = sh.WindowState()
	}
	prev, ok := d.savedWindow()
	d.saveJSON(keyWindow, window.Capture(prev, ok, cur))
}

// setTitle sets the window title; "" restores "Tusk".
func (d *desktop) setTitle(title string) {
	title = strings.Join(strings.FieldsFunc(title, func(r rune) bool { return r < ' ' || r == 0x7f }), " ")
	title = strings.TrimSpace(title)
	if r := []rune(title); len(r) > 200 {
		title = string(r[:199]) + "…"
	}
	if title == "" {
		title = "Tusk"
	}
	d.mu.Lock()
	d.title = title
	d.mu.Unlock()
	d.shell().SetTitle(title)
}

// --- store ---

func (d *desktop) loadJSON(key string, v any) bool {
	st, err := d.store()
	if err != nil {
		return false
	}
	raw, err := st.LoadUIState(context.Background(), key)
	if errors.Is(err, storage.ErrNotFound) {
		return false
	}
	if err == nil {
		err = json.Unmarshal(raw, v)
	}
	if err != nil {
		d.log.WithError(err).WithField("key", key).Warn("ignoring a damaged UI state entry")
		return false
	}
	return true
}

func (d *desktop) saveJSON(key string, v any) {
	st, err := d.store()
	if err != nil {
		return
	}
	raw, err := json.Marshal(v)
	if err == nil {
		err = st.SaveUIState(context.Background(), key, raw)
	}
	if err != nil {
		d.log.WithError(err).WithField("key", key).Warn("could not save UI state")
	}
}

// nopShell stands in for Wails' runtime before it started.
type nopShell struct{}

func (nopShell) OpenFileDialog(runtime.OpenDialogOptions) (string, error) { return "", errNotStarted }
func (nopShell) SaveFileDialog(runtime.SaveDialogOptions) (string, error) { return "", errNotStarted }
func (nopShell) Ask(string, string, string, string) bool                  { return false }
func (nopShell) SetTitle(string)                                          {}
func (nopShell) Focus()                                                   {}
func (nopShell) Quit()                                                    {}
func (nopShell) UpdateMenu()                                              {}
func (nopShell) WindowState() window.State                                { return window.State{} }

// errNotStarted answers a dialog asked for before the window exists (a
// bound call that raced the start): not a bug, the call is early.
var errNotStarted = apperr.New(apperr.Validation, "the window has not started yet").WithHint("Try again in a moment.")

// launch readies the desktop of the real app (not of tests): the platform
// toolkit, and the files given on the command line, opened once the
// frontend listens.
func (d *desktop) launch(args []string) {
	d.kit = newToolkit(d.recentChosen)
	wd, _ := os.Getwd()
	d.openPaths(fileArgs(args, wd), SourceArgs)
}
