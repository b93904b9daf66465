package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scripts/version.sh turns git describe into semantic versions; run it in a
// scratch repository through the cases a release goes through.
func TestVersionScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed to test scripts/version.sh")
	}
	src, err := os.ReadFile("scripts/version.sh")
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	if err := os.MkdirAll(filepath.Join(repo, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(repo, "scripts", "version.sh")
	if err := os.WriteFile(script, src, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@t", "GIT_CONFIG_GLOBAL=/dev/null", "TUSK_VERSION=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	commit := func() string {
		run("git", "commit", "-q", "--allow-empty", "-m", "c")
		return run("git", "rev-parse", "--short=7", "HEAD")
	}
	check := func(wantFull, wantNumeric string) {
		t.Helper()
		if got := run(script, "full"); got != wantFull {
			t.Errorf("full = %q, want %q", got, wantFull)
		}
		if got := run(script, "numeric"); got != wantNumeric {
			t.Errorf("numeric = %q, want %q", got, wantNumeric)
		}
	}
	run("git", "init", "-q")
	run("git", "add", "scripts")
	h := commit()
	check("0.0.0-dev.1+g"+h, "0.0.0")
	run("git", "tag", "v0.2.0")
	check("0.2.0", "0.2.0")
	commit()
	h = commit()
	check("0.2.1-dev.2+g"+h, "0.2.1")
	run("git", "tag", "v0.3.0-rc.1")
	check("0.3.0-rc.1", "0.3.0")
	h = commit()
	check("0.3.0-rc.1.dev.1+g"+h, "0.3.0")
	if err := os.WriteFile(script, append(src, '\n'), 0o755); err != nil {
		t.Fatal(err)
	}
	check("0.3.0-rc.1.dev.1+g"+h+".dirty", "0.3.0")
	if got := run(script, "ldflags"); !strings.Contains(got, "-X main.version=0.3.0-rc.1.dev.1+g"+h+".dirty -X main.commit=") {
		t.Errorf("ldflags = %q", got)
	}
}
