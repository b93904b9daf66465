package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/apperr"
)

// AboutInfo is what the About dialog shows. Report is the same as plain
// text, for pasting into a bug report.
type AboutInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	BuildDate string `json:"buildDate"`
	DevBuild  bool   `json:"devBuild"`
	Go        string `json:"go"`
	Wails     string `json:"wails"`
	WebView   string `json:"webView"` // engine and version, e.g. "WebKitGTK 2.50.1"
	Platform  string `json:"platform"`
	DataDir   string `json:"dataDir"`
	LogPath   string `json:"logPath"` // "" when logging to the console only
	Report    string `json:"report"`
}

// About returns the build identity, the versions of the pieces Tusk runs on
// and where its data and logs are. It works without a data directory too.
func (a *App) About() (AboutInfo, error) {
	a.mu.Lock()
	st := a.st
	a.mu.Unlock()
	dataDir := a.wantedDataDir
	if st != nil {
		dataDir = st.DataDir()
	}
	info := AboutInfo{
		Version:   version,
		Commit:    commit,
		BuildDate: buildDate,
		DevBuild:  devBuild,
		Go:        runtime.Version(),
		Wails:     moduleVersion("github.com/wailsapp/wails/v2"),
		WebView:   webViewVersion(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
		DataDir:   dataDir,
		LogPath:   a.logs.Path(),
	}
	info.Report = info.report()
	return info, nil
}

// report formats the info as "name: value" lines.
func (i AboutInfo) report() string {
	v := i.Version
	if i.DevBuild {
		v += " (dev build)"
	}
	logPath := i.LogPath
	if logPath == "" {
		logPath = "console only"
	}
	var b strings.Builder
	for _, line := range [][2]string{
		{"Tusk", v},
		{"Commit", i.Commit},
		{"Built", i.BuildDate},
		{"Platform", i.Platform},
		{"Go", i.Go},
		{"Wails", i.Wails},
		{"Web view", i.WebView},
		{"Data directory", i.DataDir},
		{"Log file", logPath},
	} {
		fmt.Fprintf(&b, "%s: %s\n", line[0], line[1])
	}
	return b.String()
}

// moduleVersion is the version of a module linked into this binary, or
// "unknown" when the binary carries no build information.
func moduleVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, dep := range bi.Deps {
		if dep.Path == path {
			if dep.Replace != nil {
				return dep.Replace.Version
			}
			return dep.Version
		}
	}
	return "unknown"
}

// OpenLogFolder shows the folder of Tusk's log file in the system's file
// manager, for attaching the log to a bug report.
func (a *App) OpenLogFolder() error {
	path := a.logs.Path()
	if path == "" {
		return apperr.New(apperr.Storage, "Tusk is logging to the console only").
			WithHint("Start Tusk with a data directory it can write to, and the log goes to its logs folder.")
	}
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); err != nil {
		return apperr.New(apperr.Storage, "the log folder "+dir+" cannot be read").WithHint("Check that the data directory still exists and is readable.")
	}
	a.mu.Lock()
	ctx := a.ctx
	a.mu.Unlock()
	if ctx == nil {
		return errNotStarted
	}
	wruntime.BrowserOpenURL(ctx, (&url.URL{Scheme: "file", Path: dir}).String())
	return nil
}
