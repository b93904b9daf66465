package sqlfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// MaxRecent is how many recent files the list keeps.
const MaxRecent = 10

// Recent is one entry of the recent-files list.
type Recent struct {
	Path string `json:"path"`
	// Name is the base name and Dir the folder, for menus.
	Name string `json:"name"`
	Dir  string `json:"dir"`
	// UsedMs is when the file was last opened or saved, Unix milliseconds.
	UsedMs int64 `json:"usedMs"`
}

// AddRecent returns list with path first (moved there if it was listed),
// capped at MaxRecent. list is not modified.
func AddRecent(list []Recent, path string, now time.Time) []Recent {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	out := make([]Recent, 0, min(len(list)+1, MaxRecent))
	out = append(out, Recent{Path: path, Name: filepath.Base(path), Dir: filepath.Dir(path), UsedMs: now.UnixMilli()})
	for _, r := range list {
		if r.Path != path && len(out) < MaxRecent {
			out = append(out, r)
		}
	}
	return out
}

// Existing returns the entries of list whose file still exists, in order,
// and whether any was dropped. Entries that cannot be checked (a permission
// problem, an unmounted network share that answers with an error other than
// "not found") are kept.
func Existing(list []Recent) ([]Recent, bool) {
	out := make([]Recent, 0, len(list))
	for _, r := range list {
		if _, err := os.Stat(r.Path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		out = append(out, r)
	}
	return out, len(out) != len(list)
}
