//go:build dev

package storage_test

import (
	"path/filepath"
	"testing"

	"github.com/tusk-app/tusk/backend/storage"
)

func TestDefaultDataDirDev(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv(storage.DataDirEnv, "")
	t.Setenv("XDG_DATA_HOME", t.TempDir()) // must be ignored by dev builds
	got, err := storage.DefaultDataDir()
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := filepath.Abs(".")
	if want := filepath.Join(wd, storage.DevDataDirName); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
