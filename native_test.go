package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/sqlfile"
	"github.com/tusk-app/tusk/backend/userdir"
	"github.com/tusk-app/tusk/backend/window"
)

// fakeShell records what the desktop asks of Wails' runtime.
type fakeShell struct {
	mu       sync.Mutex
	openPath string // what the open dialog answers
	savePath string // what the save dialog answers
	answer   bool   // what Ask answers
	state    window.State

	opened  []runtime.OpenDialogOptions
	saved   []runtime.SaveDialogOptions
	asked   []string
	titles  []string
	focused int
	quits   int
}

func (f *fakeShell) OpenFileDialog(o runtime.OpenDialogOptions) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = append(f.opened, o)
	return f.openPath, nil
}

func (f *fakeShell) SaveFileDialog(o runtime.SaveDialogOptions) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saved = append(f.saved, o)
	return f.savePath, nil
}

func (f *fakeShell) Ask(_, message, _, _ string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, message)
	return f.answer
}

func (f *fakeShell) SetTitle(t string) { f.mu.Lock(); f.titles = append(f.titles, t); f.mu.Unlock() }
func (f *fakeShell) Focus()            { f.mu.Lock(); f.focused++; f.mu.Unlock() }
func (f *fakeShell) Quit()             { f.mu.Lock(); f.quits++; f.mu.Unlock() }
func (f *fakeShell) UpdateMenu()       {}
func (f *fakeShell) WindowState() window.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

// newNativeApp is a test app whose desktop talks to a fake shell and
// records its events; home is the user's home folder with a Documents
// folder in it.
func newNativeApp(t *testing.T) (*App, *fakeShell, *event.Recorder, string) {
	t.Helper()
	app, _ := newTestApp(t)
	sh := &fakeShell{}
	rec := &event.Recorder{}
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, "Documents"), 0o755); err != nil {
		t.Fatal(err)
	}
	app.desk.emit = rec
	app.desk.quit.emit = rec
	app.desk.dirs = userdir.Dirs{Home: home}
	app.desk.sh = sh
	return app, sh, rec, home
}

func eventsNamed(rec *event.Recorder, name string) []any {
	var out []any
	for _, e := range rec.Events() {
		if e.Name == name {
			out = append(out, e.Payload)
		}
	}
	return out
}

func writeSQL(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOpenSQLFileReadsAndRemembers(t *testing.T) {
	app, sh, rec, home := newNativeApp(t)
	dir := t.TempDir()
	p := writeSQL(t, dir, "report.sql", "select 1;\r\n")

	f, err := app.OpenSQLFile(OpenFileRequest{Path: p})
	if err != nil || f.Content != "select 1;\r\n" || f.LineEnding != sqlfile.CRLF {
		t.Fatalf("OpenSQLFile = %+v, %v", f, err)
	}
	if got := app.RecentFiles(); len(got) != 1 || got[0].Path != p {
		t.Errorf("recent = %+v", got)
	}
	if ev := eventsNamed(rec, event.RecentFiles); len(ev) != 1 {
		t.Errorf("files:recent events = %v", ev)
	}

	// The dialog starts where the last file was; then in Documents once
	// that folder is gone.
	sh.openPath = ""
	if f, err := app.OpenSQLFile(OpenFileRequest{}); err != nil || f.Path != "" {
		t.Fatalf("cancelled dialog = %+v, %v", f, err)
	}
	if o := sh.opened[0]; o.DefaultDirectory != dir || o.Filters[0].Pattern != "*.sql" {
		t.Errorf("open dialog = %+v", o)
	}
	os.RemoveAll(dir)
	app.OpenSQLFile(OpenFileRequest{})
	if o := sh.opened[1]; o.DefaultDirectory != filepath.Join(home, "Documents") {
		t.Errorf("open dialog after the folder went = %q", o.DefaultDirectory)
	}
	if got := app.RecentFiles(); len(got) != 0 {
		t.Errorf("a deleted file stays recent: %+v", got)
	}

	_, err = app.OpenSQLFile(OpenFileRequest{Path: writeSQL(t, t.TempDir(), "latin1.sql", "select 'caf\xe9'")})
	if info := apperr.Info(err); info.Kind != apperr.Validation || !strings.Contains(info.Message, "UTF-8") {
		t.Errorf("latin-1 file: %+v", info)
	}
}

func TestSaveSQLFile(t *testing.T) {
	app, sh, _, home := newNativeApp(t)
	docs := filepath.Join(home, "Documents")

	// A tab never saved: the dialog suggests its name in Documents.
	sh.savePath = filepath.Join(docs, "report") // typed without an extension
	saved, err := app.SaveSQLFile(SaveFileRequest{Name: "report", Content: "select 1;\n"})
	if err != nil || saved.Path != filepath.Join(docs, "report.sql") {
		t.Fatalf("SaveSQLFile = %+v, %v", saved, err)
	}
	if o := sh.saved[0]; o.DefaultDirectory != docs || o.DefaultFilename != "report.sql" || o.Filters[0].Pattern != "*.sql" {
		t.Errorf("save dialog = %+v", o)
	}
	if len(sh.asked) != 0 {
		t.Errorf("asked %v before replacing nothing", sh.asked)
	}

	// Saving again keeps the file's CRLF line endings, without a dialog.
	if _, err := app.SaveSQLFile(SaveFileRequest{Path: saved.Path, Content: "a\nb\n", LineEnding: sqlfile.CRLF}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(saved.Path); string(got) != "a\r\nb\r\n" || len(sh.saved) != 1 {
		t.Errorf("file = %q after %d dialogs", got, len(sh.saved))
	}

	// Save As onto "report" again: ".sql" is added, and the dialog never
	// confirmed replacing report.sql, so the app asks; "no" writes nothing.
	sh.answer = false
	if s, err := app.SaveSQLFile(SaveFileRequest{Path: saved.Path, SaveAs: true, Content: "new"}); err != nil || s.Path != "" {
		t.Fatalf("declined replace = %+v, %v", s, err)
	}
	if len(sh.asked) != 1 || !strings.Contains(sh.asked[0], "report.sql already exists") {
		t.Errorf("asked %v", sh.asked)
	}
	if got, _ := os.ReadFile(saved.Path); string(got) != "a\r\nb\r\n" {
		t.Errorf("file replaced although declined: %q", got)
	}
	if o := sh.saved[1]; o.DefaultDirectory != docs || o.DefaultFilename != "report.sql" {
		t.Errorf("save-as dialog = %+v", o)
	}

	if _, err := app.SaveSQLFile(SaveFileRequest{Path: saved.Path, LineEnding: "cr"}); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("bad line ending: %v", err)
	}
	if got := app.RecentFiles(); len(got) != 1 || got[0].Path != saved.Path {
		t.Errorf("recent = %+v", got)
	}
}

func TestRecentFilesPersistAndClear(t *testing.T) {
	app, _, rec, _ := newNativeApp(t)
	dir := t.TempDir()
	for i := range 12 {
		if _, err := app.OpenSQLFile(OpenFileRequest{Path: writeSQL(t, dir, fmt.Sprintf("q%d.sql", i), "")}); err != nil {
			t.Fatal(err)
		}
	}
	list := app.RecentFiles()
	if len(list) != sqlfile.MaxRecent || list[0].Name != "q11.sql" {
		t.Fatalf("recent = %+v", list)
	}
	// A new desktop over the same store reads the list back, minus a file
	// deleted meanwhile.
	os.Remove(list[0].Path)
	again, err := newDesktop(app.log, app.store, rec, app.openWork)
	if err != nil {
		t.Fatal(err)
	}
	if got := again.currentRecent(); len(got) != sqlfile.MaxRecent-1 || got[0].Name != "q10.sql" {
		t.Errorf("reloaded = %+v", got)
	}
	app.ClearRecentFiles()
	if got := app.RecentFiles(); len(got) != 0 {
		t.Errorf("after clear = %+v", got)
	}
	if ev := eventsNamed(rec, event.RecentFiles); len(ev) == 0 || len(ev[len(ev)-1].([]sqlfile.Recent)) != 0 {
		t.Errorf("the last files:recent should carry an empty list: %v", ev)
	}
}

func TestRecentMenuEntries(t *testing.T) {
	list := sqlfile.AddRecent(sqlfile.AddRecent(nil, "/srv/b.sql", time.Now()), "/home/u/work/a.sql", time.Now())
	var labels []string
	for _, e := range recentEntries(list, "/home/u") {
		labels = append(labels, e.Label)
	}
	if want := []string{"a.sql — ~/work", "b.sql — /srv", "-", "Clear Recent Files"}; !slices.Equal(labels, want) {
		t.Errorf("entries = %q", labels)
	}
	if e := recentEntries(nil, "/home/u"); len(e) != 1 || e[0].Path != "" || e[0].Clear {
		t.Errorf("empty = %+v", e)
	}
}

func TestFilesArriveOnceTheFrontendListens(t *testing.T) {
	app, sh, rec, _ := newNativeApp(t)
	app.desk.openPaths(fileArgs([]string{"--verbose", "a.sql", "-x", "/abs/b.sql", "--", "-odd.sql"}, "/work"), SourceArgs)
	if ev := eventsNamed(rec, event.FilesOpen); len(ev) != 0 {
		t.Fatalf("files:open before the frontend listens: %v", ev)
	}
	st := app.NativeReady()
	if want := []string{"/work/a.sql", "/abs/b.sql", "/work/-odd.sql"}; !slices.Equal(st.Files, want) {
		t.Errorf("pending files = %q, want %q", st.Files, want)
	}
	if st := app.NativeReady(); len(st.Files) != 0 {
		t.Errorf("files handed out twice: %q", st.Files)
	}

	app.desk.secondInstance(options.SecondInstanceData{Args: []string{"c.sql"}, WorkingDirectory: "/elsewhere"})
	app.desk.secondInstance(options.SecondInstanceData{}) // a bare second launch only comes forward
	ev := eventsNamed(rec, event.FilesOpen)
	if len(ev) != 1 || fmt.Sprint(ev[0]) != fmt.Sprint(FilesOpen{Paths: []string{"/elsewhere/c.sql"}, Source: SourceInstance}) {
		t.Errorf("files:open = %v", ev)
	}
	if sh.focused != 2 {
		t.Errorf("focused %d times, want 2", sh.focused)
	}
	app.desk.recentChosen("/x/recent.sql")
	if ev := eventsNamed(rec, event.FilesOpen); len(ev) != 2 || ev[1].(FilesOpen).Source != SourceRecent {
		t.Errorf("open recent = %v", ev)
	}
}

func TestMenuCommandsReachTheFrontendAndQuitGoesThroughTheGuard(t *testing.T) {
	app, sh, rec, _ := newNativeApp(t)
	app.desk.command("file.save")
	app.desk.command("file.quit")
	if ev := eventsNamed(rec, event.MenuCommand); len(ev) != 1 || ev[0] != (MenuCommand{ID: "file.save"}) {
		t.Errorf("menu:command = %v", ev)
	}
	if sh.quits != 1 {
		t.Errorf("File → Quit: %d quits", sh.quits)
	}
}

func TestConfigureRestoresTheWindow(t *testing.T) {
	app, sh, _, _ := newNativeApp(t)
	var opts options.App
	if err := app.desk.configure(&opts, "/data"); err != nil {
		t.Fatal(err)
	}
	if opts.Width != 1280 || opts.Height != 800 || opts.WindowStartState != options.Normal {
		t.Errorf("first run: %dx%d %v", opts.Width, opts.Height, opts.WindowStartState)
	}
	if opts.Menu == nil || opts.DragAndDrop == nil || !opts.DragAndDrop.EnableFileDrop || opts.OnBeforeClose == nil {
		t.Errorf("options = %+v", opts)
	}
	if opts.SingleInstanceLock.UniqueId != instanceID("/data") || instanceID("/data") == instanceID("/other") {
		t.Errorf("instance id %q", opts.SingleInstanceLock.UniqueId)
	}

	// Closed normal at 1000×700, then maximised: it reopens maximised and
	// keeps the normal size for un-maximising.
	sh.state = window.State{X: 10, Y: 20, Width: 1000, Height: 700}
	app.desk.saveWindow()
	sh.state = window.State{Width: 1920, Height: 1080, Maximised: true}
	app.desk.saveWindow()
	if err := app.desk.configure(&opts, "/data"); err != nil {
		t.Fatal(err)
	}
	if opts.Width != 1000 || opts.Height != 700 || opts.WindowStartState != options.Maximised {
		t.Errorf("restored %dx%d %v", opts.Width, opts.Height, opts.WindowStartState)
	}
}

func TestSetWindowTitle(t *testing.T) {
	app, sh, _, _ := newNativeApp(t)
	app.SetWindowTitle(TitleRequest{Title: "report.sql — shop/postgres — Tusk"})
	app.SetWindowTitle(TitleRequest{Title: "evil\ntitle\x1b[31m"})
	app.SetWindowTitle(TitleRequest{Title: "  "})
	app.SetWindowTitle(TitleRequest{Title: strings.Repeat("é", 300)})
	if len(sh.titles) != 4 || sh.titles[0] != "report.sql — shop/postgres — Tusk" || sh.titles[1] != "evil title [31m" || sh.titles[2] != "Tusk" {
		t.Errorf("titles = %q", sh.titles[:3])
	}
	if r := []rune(sh.titles[3]); len(r) != 200 || r[199] != '…' {
		t.Errorf("long title has %d runes", len(r))
	}
}

func TestExportStartsInDocumentsAndRemembersTheFolder(t *testing.T) {
	app, sh, _, home := newNativeApp(t)
	out := t.TempDir()
	sh.savePath = filepath.Join(out, "orders")
	p, err := app.exportPath(ExportRequest{Format: "csv"}, ".csv")
	if err != nil || p != filepath.Join(out, "orders.csv") {
		t.Fatalf("exportPath = %q, %v", p, err)
	}
	if o := sh.saved[0]; o.DefaultDirectory != filepath.Join(home, "Documents") || o.DefaultFilename != "result.csv" {
		t.Errorf("first export dialog = %+v", o)
	}
	app.exportPath(ExportRequest{Format: "csv"}, ".csv")
	if o := sh.saved[1]; o.DefaultDirectory != out {
		t.Errorf("second export dialog starts in %q, want %q", o.DefaultDirectory, out)
	}
	if p, _ := app.exportPath(ExportRequest{Path: "/x/y.json"}, ".json"); p != "/x/y.json" || len(sh.saved) != 2 {
		t.Errorf("a given path = %q after %d dialogs", p, len(sh.saved))
	}
}

// guardFixture is a quit guard over fakes.
type guardFixture struct {
	g        *quitGuard
	rec      *event.Recorder
	mu       sync.Mutex
	quits    int
	exits    int
	asks     int
	answer   bool
	work     []query.OpenWork
	askCalls chan struct{}
}

func newGuard(ack time.Duration) *guardFixture {
	f := &guardFixture{rec: &event.Recorder{}, askCalls: make(chan struct{}, 4)}
	f.g = &quitGuard{
		emit:     f.rec,
		openWork: func() []query.OpenWork { return f.work },
		ask: func(string, string) bool {
			f.mu.Lock()
			f.asks++
			answer := f.answer
			f.mu.Unlock()
			f.askCalls <- struct{}{}
			return answer
		},
		quit:       func() { f.mu.Lock(); f.quits++; f.mu.Unlock(); f.g.beforeClose() },
		beforeExit: func() { f.mu.Lock(); f.exits++; f.mu.Unlock() },
		ackTimeout: ack,
	}
	return f
}

// waitAsked waits for the native dialog to be asked and answered (a close
// while it is open is ignored, so the next close must wait for it).
func (f *guardFixture) waitAsked(t *testing.T) {
	t.Helper()
	select {
	case <-f.askCalls:
	case <-time.After(10 * time.Second):
		t.Fatal("the native dialog was not shown")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.g.mu.Lock()
		asking := f.g.asking
		f.g.mu.Unlock()
		if !asking {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the native dialog did not close")
		}
		time.Sleep(time.Millisecond)
	}
}

func (f *guardFixture) counts() (quits, exits, asks int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.quits, f.exits, f.asks
}

func TestQuitGuardAsksTheFrontend(t *testing.T) {
	f := newGuard(time.Hour)
	if f.g.beforeClose() { // no frontend yet: nothing to ask
		t.Fatal("closing before the frontend listened was prevented")
	}
	if _, exits, _ := f.counts(); exits != 1 {
		t.Errorf("window state not saved on close: %d", exits)
	}

	f = newGuard(time.Hour)
	f.g.setReady()
	f.work = []query.OpenWork{{SessionID: "tab1", Transaction: "in transaction"}}
	if !f.g.beforeClose() {
		t.Fatal("the close was not held for the frontend")
	}
	ev := eventsNamed(f.rec, event.QuitRequested)
	req := ev[0].(QuitRequest)
	if len(ev) != 1 || req.RequestID == "" || len(req.OpenWork) != 1 || req.AckTimeoutMs != time.Hour.Milliseconds() {
		t.Fatalf("app:quit-requested = %+v", ev)
	}
	f.g.acknowledge(req.RequestID)
	f.g.cancel() // the user chose to stay
	if !f.g.beforeClose() {
		t.Fatal("after a cancel the next close must ask again")
	}
	if quits, exits, _ := f.counts(); quits != 0 || exits != 0 {
		t.Fatalf("quit while the user had not confirmed: %d %d", quits, exits)
	}
	f.g.confirm()
	if quits, exits, asks := f.counts(); quits != 1 || exits != 1 || asks != 0 {
		t.Errorf("after confirm: quits %d, exits %d, asks %d", quits, exits, asks)
	}
}

func TestQuitGuardFallsBackToANativeDialog(t *testing.T) {
	f := newGuard(20 * time.Millisecond)
	f.g.setReady()
	f.work = []query.OpenWork{{Running: true}, {Transaction: "in transaction"}, {Transaction: "in transaction"}}
	f.answer = false
	f.g.beforeClose() // nobody acknowledges
	f.waitAsked(t)
	if quits, _, _ := f.counts(); quits != 0 {
		t.Fatal("quit although the user said no")
	}
	f.mu.Lock()
	f.answer = true
	f.mu.Unlock()
	f.g.beforeClose()
	f.waitAsked(t)
	deadline := time.Now().Add(2 * time.Second)
	for {
		if quits, exits, _ := f.counts(); quits == 1 && exits == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the native yes did not quit")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if msg := fallbackMessage(f.work); !strings.Contains(msg, "2 open transactions will be rolled back") || !strings.Contains(msg, "1 running query will be cancelled") {
		t.Errorf("message = %q", msg)
	}

	// An acknowledged request never falls back, however long the user thinks.
	f = newGuard(20 * time.Millisecond)
	f.g.setReady()
	f.g.beforeClose()
	f.g.acknowledge(eventsNamed(f.rec, event.QuitRequested)[0].(QuitRequest).RequestID)
	time.Sleep(80 * time.Millisecond)
	if _, _, asks := f.counts(); asks != 0 {
		t.Errorf("asked natively after the frontend acknowledged")
	}
}

func TestNativeReadyUnlocksTheQuitProtocol(t *testing.T) {
	app, _, rec, _ := newNativeApp(t)
	if app.desk.quit.beforeClose() {
		t.Fatal("held the close with no frontend")
	}
	app.desk.quit.confirmed = false
	app.NativeReady()
	if !app.desk.quit.beforeClose() || len(eventsNamed(rec, event.QuitRequested)) != 1 {
		t.Fatal("the close was not held for the frontend")
	}
	app.CancelQuit()
}
