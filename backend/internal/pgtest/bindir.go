package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ErrNoServer reports that no PostgreSQL server binaries (postgres and
// initdb) were found.
var ErrNoServer = errors.New("pgtest: no PostgreSQL server binaries found (install the PostgreSQL server or set TUSK_PG_BINDIR)")

// BinDirEnv names the environment variable that overrides the directory of the
// server binaries.
const BinDirEnv = "TUSK_PG_BINDIR"

// server describes an installation of the server binaries.
type server struct {
	binDir  string
	version string // e.g. "15.18"
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// findServer locates the newest installed server, honouring BinDirEnv.
func findServer() (server, error) {
	if dir := os.Getenv(BinDirEnv); dir != "" {
		v, err := serverVersion(dir)
		if err != nil {
			return server{}, fmt.Errorf("%s=%s: %w", BinDirEnv, dir, err)
		}
		return server{binDir: dir, version: v}, nil
	}
	var candidates []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	for _, pattern := range []string{
		"/usr/lib/postgresql/*/bin",         // Debian, Ubuntu
		"/usr/pgsql-*/bin",                  // RHEL (PGDG)
		"/usr/local/pgsql/bin",              // source builds
		"/opt/homebrew/opt/postgresql*/bin", // Homebrew
		"/usr/local/opt/postgresql*/bin",
	} {
		m, _ := filepath.Glob(pattern)
		candidates = append(candidates, m...)
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		candidates = append(candidates, filepath.Dir(p))
	}
	var best server
	bestKey := -1
	seen := map[string]bool{}
	for _, dir := range candidates {
		if seen[dir] {
			continue
		}
		seen[dir] = true
		v, err := serverVersion(dir)
		if err != nil {
			continue
		}
		if k := versionKey(v); k > bestKey {
			best, bestKey = server{binDir: dir, version: v}, k
		}
	}
	if bestKey < 0 {
		return server{}, ErrNoServer
	}
	return best, nil
}

// serverVersion checks that dir holds postgres and initdb and returns the
// server version.
func serverVersion(dir string) (string, error) {
	for _, name := range []string{"postgres", "initdb"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%s not found in %s: %w", name, dir, ErrNoServer)
		}
	}
	out, err := exec.Command(filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", filepath.Join(dir, "postgres"), err)
	}
	m := versionRE.FindStringSubmatch(string(out))
	if m == nil {
		return "", fmt.Errorf("unrecognised version %q", strings.TrimSpace(string(out)))
	}
	if m[2] == "" {
		return m[1], nil
	}
	return m[1] + "." + m[2], nil
}

// versionKey orders "major.minor" versions.
func versionKey(v string) int {
	major, minor, _ := strings.Cut(v, ".")
	a, _ := strconv.Atoi(major)
	b, _ := strconv.Atoi(minor)
	return a*1000 + b
}
