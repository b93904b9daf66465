package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/logging"
	"github.com/tusk-app/tusk/backend/state"
)

func newTestApp(t *testing.T) (*App, string) {
	t.Helper()
	dir := t.TempDir()
	var console bytes.Buffer
	cfg := logging.DefaultConfig(dir)
	cfg.Console = &console
	logs := logging.New(cfg)
	st, err := state.New(context.Background(), state.Options{DataDir: dir, Log: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(logs, st, time.Now())
	t.Cleanup(func() { app.shutdown(context.Background()) })
	return app, dir
}

func TestAppInfo(t *testing.T) {
	app, dir := newTestApp(t)
	info, err := app.AppInfo()
	if err != nil {
		t.Fatal(err)
	}
	if info.DataDir != dir || info.StorePath != filepath.Join(dir, "tusk.db") {
		t.Errorf("paths = %q, %q", info.DataDir, info.StorePath)
	}
	if info.LogPath != filepath.Join(dir, "logs", "tusk.log") {
		t.Errorf("log path = %q", info.LogPath)
	}
	if info.Version != version || info.StartupMs <= 0 || info.Keychain.ProbeMs < 0 {
		t.Errorf("info = %+v", info)
	}
	if len(info.Notices) != 0 {
		t.Errorf("unexpected notices: %+v", info.Notices)
	}
}

func TestUIStateRoundTrip(t *testing.T) {
	app, _ := newTestApp(t)
	if v, err := app.GetUIState(UIStateKey{Key: "theme"}); err != nil || v != "" {
		t.Fatalf("unset key = %q, %v; want empty", v, err)
	}
	if err := app.SetUIState(UIStateRequest{Key: "theme", Value: `"dark"`}); err != nil {
		t.Fatal(err)
	}
	if v, err := app.GetUIState(UIStateKey{Key: "theme"}); err != nil || v != `"dark"` {
		t.Fatalf("GetUIState = %q, %v", v, err)
	}
}

func TestBoundErrorsCarryErrorInfo(t *testing.T) {
	app, _ := newTestApp(t)
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"invalid JSON", app.SetUIState(UIStateRequest{Key: "theme", Value: "{not json"}), "value"},
		{"empty key", app.SetUIState(UIStateRequest{Key: "", Value: `1`}), "key"},
		{"long key", app.SetUIState(UIStateRequest{Key: strings.Repeat("k", 201), Value: `1`}), "key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var info apperr.ErrorInfo
			if err := json.Unmarshal([]byte(apperr.Format(tt.err).(string)), &info); err != nil {
				t.Fatalf("Format is not ErrorInfo JSON: %v", err)
			}
			if info.Kind != apperr.Validation || info.Hint == "" || len(info.Fields) != 1 || info.Fields[0].Field != tt.field {
				t.Fatalf("info = %+v", info)
			}
		})
	}
}

func TestAppWithoutState(t *testing.T) {
	logs := logging.New(logging.Config{Console: &bytes.Buffer{}})
	app := NewApp(logs, nil, time.Now())
	defer app.shutdown(context.Background())
	_, err := app.AppInfo()
	if apperr.KindOf(err) != apperr.Storage {
		t.Fatalf("AppInfo without state: %v", err)
	}
	if err := app.SetUIState(UIStateRequest{Key: "k", Value: "1"}); apperr.KindOf(err) != apperr.Storage {
		t.Fatalf("SetUIState without state: %v", err)
	}
}

func TestLogWarningBecomesNotice(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	cfg := logging.DefaultConfig(file) // logs under a regular file: cannot be created
	cfg.Console = &bytes.Buffer{}
	if err := writeFile(file); err != nil {
		t.Fatal(err)
	}
	logs := logging.New(cfg)
	st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(logs, st, time.Now())
	defer app.shutdown(context.Background())
	info, err := app.AppInfo()
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Notices) != 1 || info.Notices[0].Error.Title != "Logging to the console only" || info.LogPath != "" {
		t.Fatalf("notices = %+v, log path %q", info.Notices, info.LogPath)
	}
}

func writeFile(path string) error { return os.WriteFile(path, []byte("x"), 0o600) }

// fakePrompt answers the data-directory dialog from a script.
type fakePrompt struct {
	answers []bool
	folders []string
	asked   []string
	quit    bool
}

func (f *fakePrompt) Ask(_, message string) bool {
	f.asked = append(f.asked, message)
	a := f.answers[0]
	f.answers = f.answers[1:]
	return a
}

func (f *fakePrompt) PickFolder(string) (string, error) {
	d := f.folders[0]
	f.folders = f.folders[1:]
	return d, nil
}

func (f *fakePrompt) Quit() { f.quit = true }

func TestChooseDataDirRetriesUntilUsable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := writeFile(file); err != nil {
		t.Fatal(err)
	}
	logs := logging.New(logging.Config{Console: &bytes.Buffer{}})
	app := NewApp(logs, nil, time.Now())
	defer app.shutdown(context.Background())
	app.wantedDataDir, app.dataDirErr = filepath.Join(file, "tusk"), errors.New("not a directory")

	good := filepath.Join(t.TempDir(), "chosen")
	bad := filepath.Join(file, "below-a-file")
	p := &fakePrompt{answers: []bool{true, true, true}, folders: []string{"", bad, good}}
	if !app.chooseDataDir(context.Background(), p) {
		t.Fatal("no state adopted")
	}
	if p.quit || len(p.asked) != 3 {
		t.Fatalf("quit=%v asked=%d times", p.quit, len(p.asked))
	}
	if !strings.Contains(p.asked[2], bad) {
		t.Errorf("third question should name the rejected folder %q: %q", bad, p.asked[2])
	}
	info, err := app.AppInfo()
	if err != nil || info.DataDir != good {
		t.Fatalf("AppInfo = %+v, %v", info, err)
	}
}

func TestChooseDataDirDeclinedQuits(t *testing.T) {
	logs := logging.New(logging.Config{Console: &bytes.Buffer{}})
	app := NewApp(logs, nil, time.Now())
	defer app.shutdown(context.Background())
	p := &fakePrompt{answers: []bool{false}}
	if app.chooseDataDir(context.Background(), p) || !p.quit {
		t.Fatalf("declining must quit (quit=%v)", p.quit)
	}
}

func TestSaveConnectionKeepsPastedPasswordInKeychainOnly(t *testing.T) {
	app, dir := newTestApp(t)
	const pw = "Pasted-Secret-42"
	url := "postgres://ann:" + pw + "@db.example.com:5433/sales?sslmode=require&application_name=x"
	imp, err := app.ParseConnectionURL(ParseURLRequest{Text: url})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(imp); strings.Contains(string(b), pw) || !imp.HasPassword {
		t.Fatalf("the import sent to the UI carries the password (or lost it): %s", b)
	}
	saved, err := app.SaveConnection(SaveConnectionRequest{Config: imp.Config, Remember: true, PastedURL: url})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := app.HasPassword(ConnectionRef{ConnectionID: saved.ID}); err != nil || !ok {
		t.Fatalf("HasPassword = %v, %v", ok, err)
	}
	list, err := app.ListConnections()
	if err != nil || len(list) != 1 || list[0].Port != 5433 || list[0].SSLMode != "require" {
		t.Fatalf("ListConnections = %+v, %v", list, err)
	}
	app.shutdown(context.Background())
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if strings.Contains(string(b), pw) {
			t.Errorf("the pasted password reached %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSaveConnectionRejectsInvalidConfigWithEveryField(t *testing.T) {
	app, _ := newTestApp(t)
	_, err := app.SaveConnection(SaveConnectionRequest{Config: connection.Config{Port: 70000, Color: "red"}})
	info := apperr.Info(err)
	if info.Kind != apperr.Validation || len(info.Fields) < 4 {
		t.Fatalf("info = %+v", info)
	}
}

func TestCommitWithoutReviewRoundTripsAndIsOffWhenMarked(t *testing.T) {
	app, _ := newTestApp(t)
	bulk := connection.NewConfig("bulk", "db.example.com", 0, "shop", "ann")
	bulk.Options.CommitWithoutReview = true
	prod := bulk
	prod.Name = "prod"
	prod.Options.Marker = connection.Marker{Name: "PROD"}
	for _, c := range []connection.Config{bulk, prod} {
		if _, err := app.SaveConnection(SaveConnectionRequest{Config: c}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := app.ListConnections()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range list {
		got[c.Name] = c.Options.CommitWithoutReview
	}
	if want := map[string]bool{"bulk": true, "prod": false}; !reflect.DeepEqual(got, want) {
		t.Errorf("commitWithoutReview after the store = %v, want %v (forced off on a marked connection)", got, want)
	}
	// Turned off again, it stays off.
	for _, c := range list {
		if c.Name != "bulk" {
			continue
		}
		c.Options.CommitWithoutReview = false
		if _, err := app.SaveConnection(SaveConnectionRequest{Config: c}); err != nil {
			t.Fatal(err)
		}
	}
	list, _ = app.ListConnections()
	for _, c := range list {
		if c.Options.CommitWithoutReview {
			t.Errorf("%s still commits without review", c.Name)
		}
	}
}
