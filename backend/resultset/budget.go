package resultset

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"
)

// Budget is one memory budget shared by every Set created with it
// (Options.Budget): all open results together keep at most about Limit
// bytes of row data in RAM, and a Set that would exceed it spills to its
// file instead, however many results are open. It also hands memory back to
// the operating system soon after large results are released. Safe for
// concurrent use.
type Budget struct {
	limit int64

	mu      sync.Mutex // guards the fields below
	used    int64      // chunk capacity held in RAM by every Set
	freed   int64      // released since memory was last handed back
	pending bool       // a hand-back is scheduled
}

// Tunables of handing memory back to the operating system.
const (
	// ReturnAfterReleased is how many bytes of results must have been
	// released before Go is asked to give memory back (debug.FreeOSMemory:
	// a full collection, ~10–50 ms on a large heap).
	ReturnAfterReleased = 64 << 20
	// ReturnDelay is how long after such releases the hand-back happens,
	// so a burst of releases (closing several tabs) costs one.
	ReturnDelay = 500 * time.Millisecond
)

// NewBudget returns a Budget of limit bytes (DefaultMemoryBudget when
// limit ≤ 0).
func NewBudget(limit int64) *Budget {
	if limit <= 0 {
		limit = DefaultMemoryBudget
	}
	return &Budget{limit: limit}
}

// Limit is the budget in bytes.
func (b *Budget) Limit() int64 { return b.limit }

// Used is the chunk memory all its Sets hold in RAM now.
func (b *Budget) Used() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// fits reports whether n more bytes stay within the budget.
func (b *Budget) fits(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used+n <= b.limit
}

// take records n bytes held in RAM (a new chunk; it may go over the limit:
// the chunk being filled is always in RAM).
func (b *Budget) take(n int64) {
	b.mu.Lock()
	b.used += n
	b.mu.Unlock()
}

// give records n bytes no longer held (spilled or released); after
// ReturnAfterReleased bytes it schedules handing memory back to the OS.
func (b *Budget) give(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.freed += n
	schedule := b.freed >= ReturnAfterReleased && !b.pending
	if schedule {
		b.pending, b.freed = true, 0
	}
	b.mu.Unlock()
	if schedule {
		time.AfterFunc(ReturnDelay, func() {
			debug.FreeOSMemory()
			b.mu.Lock()
			b.pending = false
			b.mu.Unlock()
		})
	}
}

// spillPattern names spill files (os.CreateTemp pattern).
const spillPattern = "tusk-resultset-*.bin"

// SweepSpillFiles deletes the spill files left in dir by a Tusk that did
// not close its results (it crashed or was killed), and reports how many it
// removed. Call it at startup with the directory passed as
// Options.TempDir. A file another running Tusk still uses stays readable
// through its open handle where the system allows deleting it (Linux,
// macOS) and cannot be deleted where it does not (Windows).
func SweepSpillFiles(dir string) (int, error) {
	matches, err := filepath.Glob(filepath.Join(dir, spillPattern))
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, m := range matches {
		if err := os.Remove(m); err == nil {
			n++
		} else if !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}
