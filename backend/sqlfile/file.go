package sqlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/tusk-app/tusk/backend/apperr"
)

// MaxSize is the largest file Read opens, in bytes. Bigger SQL files are
// dumps, better run with psql than edited in a tab.
const MaxSize = 16 << 20

// Line endings a file can have.
const (
	LF   = "lf"
	CRLF = "crlf"
)

// File is a .sql file read from disk.
type File struct {
	// Path is absolute and clean.
	Path string `json:"path"`
	// Name is the base name, for the tab title.
	Name string `json:"name"`
	// Content is the text without a byte-order mark, line endings as in
	// the file.
	Content string `json:"content"`
	// Size is the file's size in bytes.
	Size int64 `json:"size"`
	// ModifiedMs is the file's modification time, Unix milliseconds.
	ModifiedMs int64 `json:"modifiedMs"`
	// BOM is true when the file started with a UTF-8 byte-order mark.
	BOM bool `json:"bom"`
	// LineEnding is LF or CRLF, whichever most lines end with.
	LineEnding string `json:"lineEnding"`
}

// Saved describes a file Write wrote.
type Saved struct {
	Path       string `json:"path"`
	Name       string `json:"name"`
	Size       int64  `json:"size"`
	ModifiedMs int64  `json:"modifiedMs"`
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Read opens path as a SQL file; see the package documentation for what it
// refuses. Errors are *apperr.Error values.
func Read(path string) (File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return File{}, apperr.Wrap(apperr.Storage, "the path cannot be resolved", err).WithDetail(path)
	}
	f, err := os.Open(abs)
	if err != nil {
		return File{}, apperr.Classify(fmt.Errorf("open %s: %w", abs, err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return File{}, apperr.Classify(fmt.Errorf("open %s: %w", abs, err))
	}
	if st.IsDir() {
		return File{}, refuse(abs, "the path is a folder, not a file", "Choose a .sql file.")
	}
	if st.Size() > MaxSize {
		return File{}, tooLarge(abs, st.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return File{}, apperr.Classify(fmt.Errorf("read %s: %w", abs, err))
	}
	if len(data) > MaxSize { // grew since Stat
		return File{}, tooLarge(abs, int64(len(data)))
	}
	text, bom, err := decode(abs, data)
	if err != nil {
		return File{}, err
	}
	return File{
		Path: abs, Name: filepath.Base(abs), Content: text, Size: int64(len(data)),
		ModifiedMs: st.ModTime().UnixMilli(), BOM: bom, LineEnding: lineEnding(text),
	}, nil
}

// decode checks that data is UTF-8 text and drops a UTF-8 byte-order mark.
func decode(path string, data []byte) (text string, bom bool, err error) {
	switch {
	case bytes.HasPrefix(data, []byte{0x00, 0x00, 0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return "", false, notUTF8(path, "the file is UTF-32 text", "")
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return "", false, notUTF8(path, "the file is UTF-16 text", "")
	}
	if bytes.HasPrefix(data, utf8BOM) {
		data, bom = data[len(utf8BOM):], true
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return "", false, refuse(path, "the file is not text (it contains NUL bytes)", "Choose a .sql file.").
			WithDetail(fmt.Sprintf("%s: NUL byte on line %d", path, lineOf(data, i)))
	}
	if !utf8.Valid(data) {
		i := firstInvalid(data)
		return "", false, notUTF8(path, "the file is not UTF-8 text", fmt.Sprintf("%s: byte 0x%02X on line %d is not UTF-8", path, data[i], lineOf(data, i)))
	}
	return string(data), bom, nil
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

func lineOf(data []byte, offset int) int { return bytes.Count(data[:offset], []byte{'\n'}) + 1 }

// lineEnding is CRLF when more lines end with "\r\n" than with a bare "\n".
func lineEnding(text string) string {
	crlf := strings.Count(text, "\r\n")
	if crlf > strings.Count(text, "\n")-crlf {
		return CRLF
	}
	return LF
}

func refuse(path, message, hint string) *apperr.Error {
	return apperr.ValidationError(apperr.FieldError{Field: "path", Message: message}).WithHint(hint).WithDetail(path)
}

func notUTF8(path, message, detail string) *apperr.Error {
	if detail == "" {
		detail = path
	}
	return refuse(path, message,
		"Tusk opens UTF-8 files only. Convert the file, for example with iconv -f LATIN1 -t UTF-8 in.sql > out.sql, or save it as UTF-8 in another editor.").
		WithDetail(detail)
}

func tooLarge(path string, size int64) *apperr.Error {
	return refuse(path, fmt.Sprintf("the file is %s; Tusk opens SQL files up to %s", humanBytes(size), humanBytes(MaxSize)),
		"Run large scripts with psql -f, or split the file.")
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// WriteOptions say how to encode the text.
type WriteOptions struct {
	// BOM writes a UTF-8 byte-order mark first.
	BOM bool
	// LineEnding CRLF turns every line break into "\r\n"; LF or "" writes
	// the text as given.
	LineEnding string
}

// Write replaces path with content atomically (see the package
// documentation) and returns what was written. Errors are *apperr.Error
// values.
func Write(path, content string, opts WriteOptions) (Saved, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Saved{}, apperr.Wrap(apperr.Storage, "the path cannot be resolved", err).WithDetail(path)
	}
	target, mode, err := writeTarget(abs)
	if err != nil {
		return Saved{}, apperr.Classify(fmt.Errorf("save %s: %w", abs, err))
	}
	if opts.LineEnding == CRLF {
		content = strings.ReplaceAll(strings.ReplaceAll(content, "\r\n", "\n"), "\n", "\r\n")
	}
	data := []byte(content)
	if opts.BOM {
		data = append(append([]byte{}, utf8BOM...), data...)
	}
	if err := replace(target, data, mode); err != nil {
		return Saved{}, apperr.Classify(fmt.Errorf("save %s: %w", abs, err))
	}
	st, err := os.Stat(target)
	if err != nil {
		return Saved{}, apperr.Classify(fmt.Errorf("save %s: %w", abs, err))
	}
	return Saved{Path: abs, Name: filepath.Base(abs), Size: st.Size(), ModifiedMs: st.ModTime().UnixMilli()}, nil
}

// writeTarget follows a symbolic link to the file it names and returns the
// mode the new file gets: the old file's, or 0644 for a new file.
func writeTarget(path string) (string, fs.FileMode, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, 0o644, nil
	case err != nil:
		return "", 0, err
	case st.IsDir():
		return "", 0, &fs.PathError{Op: "write", Path: path, Err: errIsDir}
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", 0, err
	}
	return target, st.Mode().Perm(), nil
}

var errIsDir = errors.New("is a directory")

// replace writes data to a temporary file next to target and renames it
// over target.
func replace(target string, data []byte, mode fs.FileMode) error {
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	done = true
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable where the platform allows it; a failure
// only weakens durability after a crash, so it is not reported.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
