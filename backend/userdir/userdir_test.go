package userdir_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tusk-app/tusk/backend/userdir"
)

func mkdirs(t *testing.T, root string, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func userDirs(t *testing.T, home, text string) {
	t.Helper()
	mkdirs(t, home, ".config")
	if err := os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestXDGUserDirsNameTheFolders(t *testing.T) {
	home := t.TempDir()
	abs := filepath.Join(t.TempDir(), "Téléchargements")
	mkdirs(t, home, "Dokumente", "Documents", "Downloads")
	mkdirs(t, abs, ".")
	userDirs(t, home, "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\nXDG_DOWNLOAD_DIR=\""+abs+"\"\n")
	d := userdir.Dirs{Home: home, XDG: true}
	if got := d.Documents(); got != filepath.Join(home, "Dokumente") {
		t.Errorf("Documents = %q", got)
	}
	if got := d.Downloads(); got != abs {
		t.Errorf("Downloads = %q", got)
	}
	if got := d.ForSaving(); got != filepath.Join(home, "Dokumente") {
		t.Errorf("ForSaving = %q", got)
	}
	// Outside XDG desktops the file is not read.
	if got := (userdir.Dirs{Home: home}).Documents(); got != filepath.Join(home, "Documents") {
		t.Errorf("non-XDG Documents = %q", got)
	}
}

func TestXDGConfigHomeIsHonoured(t *testing.T) {
	home, config := t.TempDir(), t.TempDir()
	mkdirs(t, home, "Docs", "Documents")
	if err := os.WriteFile(filepath.Join(config, "user-dirs.dirs"), []byte(`XDG_DOCUMENTS_DIR="$HOME/Docs"`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := (userdir.Dirs{Home: home, ConfigHome: config, XDG: true}).Documents(); got != filepath.Join(home, "Docs") {
		t.Errorf("Documents = %q", got)
	}
}

func TestDisabledOrMissingFoldersFallBack(t *testing.T) {
	home := t.TempDir()
	mkdirs(t, home, "Downloads")
	// Documents disabled (points at $HOME), Downloads named but missing on disk.
	userDirs(t, home, "XDG_DOCUMENTS_DIR=\"$HOME\"\nXDG_DOWNLOAD_DIR=\"$HOME/Gone\"\n")
	d := userdir.Dirs{Home: home, XDG: true}
	if got := d.Documents(); got != "" {
		t.Errorf("disabled Documents = %q", got)
	}
	if got := d.Downloads(); got != "" {
		t.Errorf("missing Downloads = %q", got)
	}
	if got := d.ForSaving(); got != home {
		t.Errorf("ForSaving = %q, want the home folder", got)
	}
	// No user-dirs file at all: the conventional names.
	other := t.TempDir()
	mkdirs(t, other, "Downloads")
	if got := (userdir.Dirs{Home: other, XDG: true}).ForSaving(); got != filepath.Join(other, "Downloads") {
		t.Errorf("ForSaving without user-dirs = %q", got)
	}
	if got := (userdir.Dirs{}).ForSaving(); got != "" {
		t.Errorf("no home: %q", got)
	}
}
