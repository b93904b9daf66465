package storage_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tusk-app/tusk/backend/storage"
)

func TestPlatformDataDir(t *testing.T) {
	tests := []struct {
		name    string
		goos    string
		env     map[string]string
		home    string
		want    string
		wantErr bool
	}{
		{name: "linux xdg", goos: "linux", env: map[string]string{"XDG_DATA_HOME": "/data/x"}, home: "/home/u", want: filepath.Join("/data/x", "tusk")},
		{name: "linux default", goos: "linux", home: "/home/u", want: filepath.Join("/home/u", ".local", "share", "tusk")},
		{name: "linux relative xdg ignored", goos: "linux", env: map[string]string{"XDG_DATA_HOME": "rel/dir"}, home: "/home/u", want: filepath.Join("/home/u", ".local", "share", "tusk")},
		{name: "linux xdg without home", goos: "linux", env: map[string]string{"XDG_DATA_HOME": "/data/x"}, want: filepath.Join("/data/x", "tusk")},
		{name: "linux no home", goos: "linux", wantErr: true},
		{name: "freebsd follows xdg", goos: "freebsd", home: "/usr/home/u", want: filepath.Join("/usr/home/u", ".local", "share", "tusk")},
		{name: "darwin", goos: "darwin", env: map[string]string{"XDG_DATA_HOME": "/ignored"}, home: "/Users/u", want: filepath.Join("/Users/u", "Library", "Application Support", "Tusk")},
		{name: "darwin no home", goos: "darwin", wantErr: true},
		{name: "windows appdata", goos: "windows", env: map[string]string{"AppData": `C:\Users\u\AppData\Roaming`}, home: `C:\Users\u`, want: filepath.Join(`C:\Users\u\AppData\Roaming`, "Tusk")},
		{name: "windows without appdata", goos: "windows", home: `C:\Users\u`, want: filepath.Join(`C:\Users\u`, "AppData", "Roaming", "Tusk")},
		{name: "windows nothing known", goos: "windows", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			got, err := storage.PlatformDataDir(tt.goos, getenv, tt.home)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultDataDirEnvOverride(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv(storage.DataDirEnv, "custom/place")
	got, err := storage.DefaultDataDir()
	if err != nil {
		t.Fatal(err)
	}
	// The override is made absolute against the working directory.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(wd, "custom", "place"); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestInitDataDir(t *testing.T) {
	t.Run("creates nested directory private to the user", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "b", "tusk")
		if err := storage.InitDataDir(dir); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !info.IsDir() || info.Mode().Perm() != 0o700 {
			t.Fatalf("mode %v, want a directory with 0700", info.Mode())
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 0 {
			t.Fatalf("probe file left behind: %v", entries)
		}
		// Idempotent.
		if err := storage.InitDataDir(dir); err != nil {
			t.Fatalf("second call: %v", err)
		}
	})

	file := filepath.Join(t.TempDir(), "regular-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	failures := []struct {
		name string
		dir  string
		op   string
	}{
		{name: "path is a regular file", dir: file, op: "create"},
		{name: "parent is a regular file", dir: filepath.Join(file, "tusk"), op: "create"},
		{name: "empty path", dir: "", op: "check"},
	}
	if info, err := os.Stat("/proc/self"); err == nil && info.IsDir() {
		// Exists, is a directory, refuses new files even for root.
		failures = append(failures, struct {
			name string
			dir  string
			op   string
		}{name: "not writable", dir: "/proc/self", op: "write"})
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			err := storage.InitDataDir(tt.dir)
			var dde *storage.DataDirError
			if !errors.As(err, &dde) {
				t.Fatalf("got %v, want *DataDirError", err)
			}
			if dde.Path != tt.dir || dde.Op != tt.op {
				t.Fatalf("got path %q op %q, want %q %q", dde.Path, dde.Op, tt.dir, tt.op)
			}
			if dde.Err == nil || errors.Unwrap(err) == nil {
				t.Fatalf("cause not wrapped: %v", err)
			}
		})
	}
}
