package main

import (
	"fmt"
	"runtime"
)

// Build identity, stamped by `make build` and `make dist` with
// -ldflags "-X main.version=… -X main.commit=… -X main.buildDate=…"
// (scripts/version.sh derives them from `git describe`). A plain `go build`
// keeps these defaults.
var (
	version   = "0.0.0-dev"
	commit    = "unknown"
	buildDate = "unknown"
)

// versionLine is what `tusk --version` prints: one line a bug report can
// quote.
func versionLine() string {
	return fmt.Sprintf("tusk %s (commit %s, built %s, %s, %s/%s)",
		version, commit, buildDate, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// wantsVersion reports whether the command line asks only for the version.
func wantsVersion(args []string) bool {
	if len(args) != 1 {
		return false
	}
	switch args[0] {
	case "--version", "-version", "-v":
		return true
	}
	return false
}
