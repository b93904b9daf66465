package exportfile_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/exportfile"
	"github.com/tusk-app/tusk/backend/resultset"
)

func sampleSet(t *testing.T, rows int) *resultset.Set {
	t.Helper()
	s := resultset.New([]resultset.Column{{Name: "id"}, {Name: "name"}}, resultset.Options{TempDir: t.TempDir()})
	for i := range rows {
		if err := s.Append([][]byte{[]byte(strings.Repeat("7", 1+i%5)), []byte("row")}); err != nil {
			t.Fatal(err)
		}
	}
	s.Done(nil)
	t.Cleanup(func() { s.Close() })
	return s
}

// onlyFile reports the names in dir, to catch leftover temporary files.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestExportReplacesTheTargetOnlyWhenComplete(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "result.csv")
	if err := os.WriteFile(target, []byte("precious\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	x := exportfile.New(nil)
	set := sampleSet(t, 200_000)

	// Cancelled before it starts, and cancelled while it writes: the old
	// file stays, and no temporary file is left.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := x.ToFile(ctx, set, exportfile.Request{Path: target, Format: exportfile.CSV}); apperr.KindOf(err) != apperr.Cancelled {
		t.Fatalf("cancelled export: %v", err)
	}
	rec := &event.Recorder{}
	x = exportfile.New(rec)
	done := make(chan error, 1)
	go func() {
		_, err := x.ToFile(context.Background(), sampleSet(t, 500_000), exportfile.Request{Path: target, Format: exportfile.JSON, ID: "e1"})
		done <- err
	}()
	for !x.Cancel("e1") {
		time.Sleep(time.Millisecond)
	}
	if err := <-done; apperr.KindOf(err) != apperr.Cancelled {
		t.Fatalf("export cancelled midway: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious\n" {
		t.Fatalf("a cancelled export changed the file: %q", b)
	}
	if n := names(t, dir); len(n) != 1 {
		t.Fatalf("files left: %v", n)
	}

	// A failing export (the set is closed) leaves it too.
	closed := sampleSet(t, 10)
	closed.Close()
	if _, err := x.ToFile(context.Background(), closed, exportfile.Request{Path: target, Format: exportfile.SQL}); err == nil {
		t.Fatal("exporting a closed set succeeded")
	}
	if b, _ := os.ReadFile(target); string(b) != "precious\n" {
		t.Fatalf("a failed export changed the file: %q", b)
	}

	// A complete export replaces it, keeping its permissions.
	res, err := x.ToFile(context.Background(), set, exportfile.Request{Path: target, Format: exportfile.CSV})
	if err != nil || res.Rows != 200_000 || res.Path != target {
		t.Fatalf("%+v, %v", res, err)
	}
	b, _ := os.ReadFile(target)
	if !strings.HasPrefix(string(b), "id,name\n") {
		t.Fatalf("exported %q…", b[:20])
	}
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v", info.Mode())
	}
	if n := names(t, dir); len(n) != 1 {
		t.Fatalf("files left: %v", n)
	}
}

func TestExportAddsTheExtensionAndValidates(t *testing.T) {
	dir := t.TempDir()
	x := exportfile.New(nil)
	set := sampleSet(t, 3)
	res, err := x.ToFile(context.Background(), set, exportfile.Request{Path: filepath.Join(dir, "out"), Format: exportfile.SQL, Table: "t"})
	if err != nil || filepath.Base(res.Path) != "out.sql" {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := x.ToFile(context.Background(), set, exportfile.Request{Path: filepath.Join(dir, "x"), Format: "xls"}); apperr.KindOf(err) != apperr.Validation {
		t.Fatalf("bad format: %v", err)
	}
}
