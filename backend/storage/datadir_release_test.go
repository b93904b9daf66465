//go:build !dev

package storage_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/tusk-app/tusk/backend/storage"
)

func TestDefaultDataDirRelease(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		t.Skip("this check drives XDG_DATA_HOME, which only Unix systems other than macOS use")
	}
	t.Setenv(storage.DataDirEnv, "")
	xdg := t.TempDir()
	t.Setenv("XDG_DATA_HOME", xdg)
	got, err := storage.DefaultDataDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(xdg, "tusk"); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
