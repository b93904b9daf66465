package sqlfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/sqlfile"
)

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadAcceptsUTF8(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		data   []byte
		text   string
		bom    bool
		ending string
	}{
		{"plain.sql", []byte("select 1;\nselect 'é';\n"), "select 1;\nselect 'é';\n", false, sqlfile.LF},
		{"bom.sql", []byte("\xEF\xBB\xBFselect 'ü';\n"), "select 'ü';\n", true, sqlfile.LF},
		{"windows.sql", []byte("select 1;\r\nselect 2;\r\n"), "select 1;\r\nselect 2;\r\n", false, sqlfile.CRLF},
		{"mostly-lf.sql", []byte("a\nb\nc\r\n"), "a\nb\nc\r\n", false, sqlfile.LF},
		{"empty.sql", nil, "", false, sqlfile.LF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, dir, tc.name, tc.data)
			f, err := sqlfile.Read(p)
			if err != nil {
				t.Fatal(err)
			}
			if f.Content != tc.text || f.BOM != tc.bom || f.LineEnding != tc.ending {
				t.Errorf("got %q bom=%v ending=%s", f.Content, f.BOM, f.LineEnding)
			}
			if f.Path != p || f.Name != tc.name || f.Size != int64(len(tc.data)) || f.ModifiedMs == 0 {
				t.Errorf("metadata %+v", f)
			}
		})
	}
}

func TestReadRefusesWhatIsNotUTF8Text(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, message, detail string
		data                  []byte
	}{
		{"latin1.sql", "not UTF-8", "byte 0xE9 on line 2", []byte("select 1;\nselect 'caf\xe9';\n")},
		{"utf16le.sql", "UTF-16", "", []byte("\xFF\xFEs\x00e\x00")},
		{"utf16be.sql", "UTF-16", "", []byte("\xFE\xFF\x00s\x00e")},
		{"utf32.sql", "UTF-32", "", []byte("\xFF\xFE\x00\x00s\x00\x00\x00")},
		{"binary.sql", "NUL bytes", "line 3", []byte("a\nb\n\x00c")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sqlfile.Read(write(t, dir, tc.name, tc.data))
			info := apperr.Info(err)
			if info.Kind != apperr.Validation || !strings.Contains(info.Message, tc.message) || !strings.Contains(info.Detail, tc.detail) || info.Hint == "" {
				t.Errorf("got %+v, want a validation error about %q", info, tc.message)
			}
		})
	}
}

func TestReadRefusesHugeFilesBeforeReadingThem(t *testing.T) {
	p := filepath.Join(t.TempDir(), "dump.sql")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: its size is over the limit, but nothing is read.
	if err := f.Truncate(sqlfile.MaxSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = sqlfile.Read(p)
	info := apperr.Info(err)
	if info.Kind != apperr.Validation || !strings.Contains(info.Message, "16.0 MiB") || !strings.Contains(info.Hint, "psql") {
		t.Errorf("got %+v", info)
	}
	if err := os.Truncate(p, sqlfile.MaxSize); err != nil {
		t.Fatal(err)
	}
	// Exactly at the limit (NULs, so refused as binary, but not for its size).
	if _, err := sqlfile.Read(p); !strings.Contains(apperr.Info(err).Message, "NUL") {
		t.Errorf("a file of MaxSize bytes: %v", err)
	}
}

func TestReadReportsMissingFilesAndFolders(t *testing.T) {
	dir := t.TempDir()
	_, err := sqlfile.Read(filepath.Join(dir, "nope.sql"))
	if info := apperr.Info(err); info.Kind != apperr.Storage || !strings.Contains(info.Message, "does not exist") {
		t.Errorf("missing: %+v", info)
	}
	_, err = sqlfile.Read(dir)
	if info := apperr.Info(err); info.Kind != apperr.Validation || !strings.Contains(info.Message, "folder") {
		t.Errorf("folder: %+v", info)
	}
}

func TestWriteRoundTripsEncodingAndLineEndings(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "crlf.sql", []byte("\xEF\xBB\xBFselect 1;\r\nselect 2;\r\n"))
	f, err := sqlfile.Read(p)
	if err != nil {
		t.Fatal(err)
	}
	// The editor works with "\n"; saving puts the file's own conventions back.
	edited := strings.ReplaceAll(f.Content, "\r\n", "\n") + "select 3;\n"
	saved, err := sqlfile.Write(p, edited, sqlfile.WriteOptions{BOM: f.BOM, LineEnding: f.LineEnding})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if want := "\xEF\xBB\xBFselect 1;\r\nselect 2;\r\nselect 3;\r\n"; string(got) != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	if saved.Size != int64(len(got)) || saved.Path != p || saved.Name != "crlf.sql" {
		t.Errorf("saved = %+v", saved)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want the old file's 0640", st.Mode().Perm())
	}
	if _, err := sqlfile.Write(p, "a\r\nb\n", sqlfile.WriteOptions{LineEnding: sqlfile.LF}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "a\r\nb\n" {
		t.Errorf("LF writes the text as given, got %q", got)
	}
}

func TestWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "q.sql", []byte("old"))
	// The old file stays open, as an editor or a reader elsewhere would
	// hold it: after the save it must still read the complete old text
	// (the file was replaced, not rewritten in place).
	old, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if _, err := sqlfile.Write(p, "new text", sqlfile.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(old); err != nil || buf.String() != "old" {
		t.Errorf("the old file's handle reads %q, %v: it was overwritten in place", buf.String(), err)
	}
	if got, _ := os.ReadFile(p); string(got) != "new text" {
		t.Errorf("file = %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteLeavesTheOldFileWhenItFails(t *testing.T) {
	if os.Geteuid() == 0 {
		// root ignores directory permissions; use a path whose parent is a file.
		dir := t.TempDir()
		blocker := write(t, dir, "notadir", []byte("x"))
		_, err := sqlfile.Write(filepath.Join(blocker, "q.sql"), "new", sqlfile.WriteOptions{})
		if info := apperr.Info(err); info.Kind != apperr.Storage {
			t.Errorf("got %+v", info)
		}
		return
	}
	dir := t.TempDir()
	p := write(t, dir, "q.sql", []byte("old"))
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	_, err := sqlfile.Write(p, "new", sqlfile.WriteOptions{})
	if info := apperr.Info(err); info.Kind != apperr.Storage || !strings.Contains(info.Message, "permission") {
		t.Errorf("got %+v", info)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Errorf("file = %q", got)
	}
}

func TestWriteFollowsSymlinksAndRefusesFolders(t *testing.T) {
	dir := t.TempDir()
	real := write(t, dir, "real.sql", []byte("old"))
	link := filepath.Join(dir, "link.sql")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlfile.Write(link, "new", sqlfile.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file: %v %v", st.Mode(), err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new" {
		t.Errorf("target = %q", got)
	}
	_, err := sqlfile.Write(dir, "x", sqlfile.WriteOptions{})
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.Storage {
		t.Errorf("writing over a folder: %v", err)
	}
}

func TestWriteCreatesNewFilesReadable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "new.sql")
	if _, err := sqlfile.Write(p, "select 1;\n", sqlfile.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, %v", st.Mode().Perm(), err)
	}
}
