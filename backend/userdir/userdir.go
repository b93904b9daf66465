// Package userdir finds the user's well-known folders (Documents,
// Downloads), where save dialogs should start rather than in the process's
// working directory.
//
// On Linux the folders come from the XDG user-dirs file
// ($XDG_CONFIG_HOME/user-dirs.dirs, written by xdg-user-dirs-update), so a
// German desktop's "Dokumente" is found; elsewhere, and when the file does
// not name one, they are the usual ~/Documents and ~/Downloads. A folder is
// only returned when it exists.
package userdir

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Dirs locates the folders of one user. The zero value finds nothing; use
// FromEnv.
type Dirs struct {
	// Home is the user's home directory.
	Home string
	// ConfigHome is XDG_CONFIG_HOME ("" means Home/.config).
	ConfigHome string
	// XDG reads the user-dirs file (true on Linux and the BSDs).
	XDG bool
}

// FromEnv returns the current user's Dirs.
func FromEnv() Dirs {
	home, _ := os.UserHomeDir()
	return Dirs{Home: home, ConfigHome: os.Getenv("XDG_CONFIG_HOME"), XDG: runtime.GOOS != "windows" && runtime.GOOS != "darwin"}
}

// Documents returns the documents folder, or "" when there is none.
func (d Dirs) Documents() string { return d.find("XDG_DOCUMENTS_DIR", "Documents") }

// Downloads returns the downloads folder, or "" when there is none.
func (d Dirs) Downloads() string { return d.find("XDG_DOWNLOAD_DIR", "Downloads") }

// ForSaving returns where a save dialog should start when the user has not
// chosen a folder yet: Documents, else Downloads, else the home directory
// ("" when even that is unknown).
func (d Dirs) ForSaving() string {
	for _, dir := range []string{d.Documents(), d.Downloads()} {
		if dir != "" {
			return dir
		}
	}
	if isDir(d.Home) {
		return d.Home
	}
	return ""
}

func (d Dirs) find(key, fallback string) string {
	if d.Home == "" {
		return ""
	}
	if d.XDG {
		if dir, ok := d.xdg(key); ok {
			// xdg-user-dirs points a disabled folder at $HOME itself.
			if dir != filepath.Clean(d.Home) && isDir(dir) {
				return dir
			}
			return ""
		}
	}
	if dir := filepath.Join(d.Home, fallback); isDir(dir) {
		return dir
	}
	return ""
}

// xdg reads key from the user-dirs file: lines like
// XDG_DOCUMENTS_DIR="$HOME/Documents", where the value is "$HOME/…" or an
// absolute path.
func (d Dirs) xdg(key string) (string, bool) {
	config := d.ConfigHome
	if config == "" {
		config = filepath.Join(d.Home, ".config")
	}
	f, err := os.Open(filepath.Join(config, "user-dirs.dirs"))
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || name != key {
			continue
		}
		value = strings.Trim(value, `"`)
		switch {
		case value == "$HOME":
			return filepath.Clean(d.Home), true
		case strings.HasPrefix(value, "$HOME/"):
			return filepath.Join(d.Home, value[len("$HOME/"):]), true
		case filepath.IsAbs(value):
			return filepath.Clean(value), true
		}
		return "", false // not a form the spec allows
	}
	return "", false
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
