package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// DataDirEnv names the environment variable that, when set to a non-empty
// path, overrides every other choice of data directory (dev and release).
const DataDirEnv = "TUSK_DATA_DIR"

// DevDataDirName is the directory, relative to the working directory, that
// dev builds (build tag dev, set by `wails dev`) use as their data directory.
const DevDataDirName = ".tusk-dev"

// FileName is the name of the SQLite file inside the data directory.
const FileName = "tusk.db"

// DefaultDataDir returns the absolute directory Tusk keeps its files in:
//
//   - $TUSK_DATA_DIR if set (all builds);
//   - ./.tusk-dev under the working directory in dev builds;
//   - otherwise the platform's per-user data directory: on Linux and other
//     Unix systems $XDG_DATA_HOME/tusk (if absolute) or ~/.local/share/tusk,
//     on macOS ~/Library/Application Support/Tusk, on Windows %AppData%\Tusk.
//
// It does not create the directory; call InitDataDir for that.
func DefaultDataDir() (string, error) {
	if dir := os.Getenv(DataDirEnv); dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", fmt.Errorf("resolve %s=%q: %w", DataDirEnv, dir, err)
		}
		return abs, nil
	}
	if dir, ok, err := buildDataDir(); ok || err != nil {
		return dir, err
	}
	home, homeErr := os.UserHomeDir()
	dir, err := platformDataDir(runtime.GOOS, os.Getenv, home)
	if err != nil {
		if homeErr != nil {
			err = errors.Join(err, homeErr)
		}
		return "", fmt.Errorf("default data directory: %w", err)
	}
	return dir, nil
}

// errNoHome is returned by platformDataDir when the platform needs the home
// directory and none is known.
var errNoHome = errors.New("home directory is unknown")

// platformDataDir is the per-user data directory for goos, computed only from
// its arguments: getenv looks up environment variables and home is the user's
// home directory ("" when unknown).
func platformDataDir(goos string, getenv func(string) string, home string) (string, error) {
	switch goos {
	case "windows":
		if appData := getenv("AppData"); appData != "" {
			return filepath.Join(appData, "Tusk"), nil
		}
		if home == "" {
			return "", fmt.Errorf("%%AppData%% is not set and %w", errNoHome)
		}
		return filepath.Join(home, "AppData", "Roaming", "Tusk"), nil
	case "darwin", "ios":
		if home == "" {
			return "", errNoHome
		}
		return filepath.Join(home, "Library", "Application Support", "Tusk"), nil
	default: // Linux and the other Unix systems follow the XDG base directory spec.
		// The spec says relative values are invalid and must be ignored.
		if xdg := getenv("XDG_DATA_HOME"); xdg != "" && filepath.IsAbs(xdg) {
			return filepath.Join(xdg, "tusk"), nil
		}
		if home == "" {
			return "", errNoHome
		}
		return filepath.Join(home, ".local", "share", "tusk"), nil
	}
}

// DataDirError reports a data directory that cannot be used. The app shows
// Path and the cause and offers to pick another directory (then calls
// InitDataDir again) or to quit.
type DataDirError struct {
	// Path is the directory that was tried.
	Path string
	// Op is what failed: "create" (making the directory), "check" (it exists
	// but is not a directory) or "write" (it is not writable).
	Op string
	// Err is the cause, usually an *fs.PathError.
	Err error
}

// Error implements error.
func (e *DataDirError) Error() string {
	return fmt.Sprintf("data directory %s: %s: %v", e.Path, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *DataDirError) Unwrap() error { return e.Err }

// InitDataDir creates dir (and its parents) with mode 0700 if needed and
// verifies that Tusk can create and remove a file in it. Every failure is a
// *DataDirError wrapping the cause. It is safe to call on an existing
// directory and from several goroutines.
func InitDataDir(dir string) error {
	if dir == "" {
		return &DataDirError{Path: dir, Op: "check", Err: errors.New("no directory given")}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &DataDirError{Path: dir, Op: "create", Err: err}
	}
	info, err := os.Stat(dir)
	if err != nil {
		return &DataDirError{Path: dir, Op: "check", Err: err}
	}
	if !info.IsDir() {
		return &DataDirError{Path: dir, Op: "check", Err: errors.New("not a directory")}
	}
	probe, err := os.CreateTemp(dir, ".tusk-write-probe-*")
	if err != nil {
		return &DataDirError{Path: dir, Op: "write", Err: err}
	}
	name := probe.Name()
	_, werr := probe.Write([]byte("ok"))
	cerr := probe.Close()
	rerr := os.Remove(name)
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return &DataDirError{Path: dir, Op: "write", Err: err}
	}
	return nil
}

// DefaultCacheDir returns the directory for files Tusk can lose without
// harm — the spill files of large results: dataDir/cache when the data
// directory was chosen by $TUSK_DATA_DIR or a dev build (keeping such
// profiles self-contained), otherwise the platform's per-user cache
// directory (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache, ~/Library/Caches,
// %LocalAppData%) with "tusk" appended, or dataDir/cache when there is none.
// It does not create the directory.
func DefaultCacheDir(dataDir string) string {
	if _, forced, _ := buildDataDir(); forced || os.Getenv(DataDirEnv) != "" {
		return filepath.Join(dataDir, "cache")
	}
	if dir, err := os.UserCacheDir(); err == nil && filepath.IsAbs(dir) {
		return filepath.Join(dir, "tusk")
	}
	return filepath.Join(dataDir, "cache")
}
