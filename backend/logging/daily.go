package logging

import (
	"fmt"
	"os"
	"sync"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"
)

// dailyFile is the log file: lumberjack rotates it by size and prunes old
// backups; dailyFile adds the day boundary by rotating first whenever a write
// happens on a different local calendar day than the previous one.
type dailyFile struct {
	file *lumberjack.Logger
	now  func() time.Time

	mu   sync.Mutex // guards last
	last time.Time  // time of the previous write; zero before the first
}

// newDailyFile wraps file. If the file already exists, its modification time
// stands for the previous write, so a log left over from an earlier day is
// rotated by the first write of today even if Tusk did not run at midnight.
func newDailyFile(file *lumberjack.Logger, now func() time.Time) *dailyFile {
	d := &dailyFile{file: file, now: now}
	if info, err := os.Stat(file.Filename); err == nil && info.Size() > 0 {
		d.last = info.ModTime()
	}
	return d
}

// Write implements io.Writer. A failed day rotation does not lose p: the
// line is still written (to the old file) and the rotation error returned.
func (d *dailyFile) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	var rotateErr error
	if !d.last.IsZero() && !sameDay(d.last, now) {
		if err := d.file.Rotate(); err != nil {
			rotateErr = fmt.Errorf("rotate log file for a new day: %w", err)
		}
	}
	d.last = now
	n, err := d.file.Write(p)
	if err != nil {
		return n, err
	}
	return n, rotateErr
}

// sameDay reports whether a and b fall on the same local calendar day.
func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Local().Date()
	by, bm, bd := b.Local().Date()
	return ay == by && am == bm && ad == bd
}
