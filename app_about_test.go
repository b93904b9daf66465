package main

import (
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/logging"
)

func TestAbout(t *testing.T) {
	app, dir := newTestApp(t)
	info, err := app.About()
	if err != nil {
		t.Fatal(err)
	}
	if info.Version != version || info.Commit != commit || info.BuildDate != buildDate {
		t.Errorf("build identity = %q %q %q", info.Version, info.Commit, info.BuildDate)
	}
	if info.DataDir != dir || info.LogPath != filepath.Join(dir, "logs", "tusk.log") {
		t.Errorf("paths = %q, %q", info.DataDir, info.LogPath)
	}
	if !strings.HasPrefix(info.Go, "go1.") {
		t.Errorf("go = %q", info.Go)
	}
	if !regexp.MustCompile(`^v2\.\d+\.\d+`).MatchString(info.Wails) {
		t.Errorf("wails = %q", info.Wails)
	}
	// The library really loaded: a version like "WebKitGTK 2.50.1".
	if !regexp.MustCompile(`^WebKitGTK 2\.\d+\.\d+$`).MatchString(info.WebView) {
		t.Errorf("web view = %q", info.WebView)
	}
	for _, want := range []string{"Tusk: " + version + "\n", "Go: " + info.Go + "\n", "Web view: " + info.WebView + "\n", "Data directory: " + dir + "\n"} {
		if !strings.Contains(info.Report, want) {
			t.Errorf("report lacks %q:\n%s", want, info.Report)
		}
	}
}

func TestAboutWithoutDataDirectory(t *testing.T) {
	app := NewApp(logging.New(logging.Config{Console: io.Discard}), nil, time.Now())
	app.wantedDataDir = "/nowhere/tusk"
	info, err := app.About()
	if err != nil || info.DataDir != "/nowhere/tusk" {
		t.Errorf("About() = %+v, %v", info, err)
	}
}

func TestWantsVersion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"--version"}, true},
		{[]string{"-version"}, true},
		{[]string{"-v"}, true},
		{nil, false},
		{[]string{"--version", "extra"}, false},
		{[]string{"--verbose"}, false},
	} {
		if got := wantsVersion(tc.args); got != tc.want {
			t.Errorf("wantsVersion(%q) = %v", tc.args, got)
		}
	}
	if line := versionLine(); !strings.HasPrefix(line, "tusk "+version+" (commit ") {
		t.Errorf("versionLine() = %q", line)
	}
}

// TestOpenLogFolderErrors: without a log file or before the window exists,
// the user gets an error with a hint, never a silent no-op.
func TestOpenLogFolderErrors(t *testing.T) {
	console := NewApp(logging.New(logging.Config{Console: io.Discard}), nil, time.Now())
	err := console.OpenLogFolder()
	if info := apperr.Classify(err); info.Kind != apperr.Storage || info.Hint == "" {
		t.Errorf("console only: %+v", info)
	}
	app, _ := newTestApp(t)
	// Not a bug in Tusk (issue 10): the window is not there yet, try again.
	if info := apperr.Classify(app.OpenLogFolder()); info.Kind != apperr.Validation || info.Hint == "" {
		t.Errorf("before the window: %+v", info)
	}
}
