package resultset

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
)

// DefaultMemoryBudget is the in-memory budget of a Set whose
// Options.MemoryBudget is 0: 256 MiB.
const DefaultMemoryBudget = 256 << 20

const (
	// maxChunkSize is the size of a chunk buffer with the default budget.
	maxChunkSize = 1 << 20
	// minChunkSize bounds the chunk size for tiny budgets.
	minChunkSize = 16 << 10
	// checkpointEvery is the number of rows between two row-index entries:
	// locating a row decodes at most checkpointEvery-1 rows before it.
	checkpointEvery = 16
	// chunkOverhead approximates the bytes a chunk's bookkeeping takes.
	chunkOverhead = 96
)

// ErrClosed is returned by the methods of a Set after Close.
var ErrClosed = errors.New("resultset: set is closed")

// Column describes one column of a result.
type Column struct {
	// Name is the column name as the server reports it (not unique: "select 1 a, 2 a").
	Name string `json:"name"`
	// TypeOID is the PostgreSQL type OID of the column (0 if unknown).
	TypeOID uint32 `json:"typeOid"`
	// TypeName is the display name of the type as format_type prints it,
	// e.g. "integer", "character varying[]" or an enum's "mood" (empty while
	// unknown).
	TypeName string `json:"typeName"`
	// TableOID and TableColumn say where the column comes from when it
	// shows a table's (or view's) column unchanged: the relation's OID and
	// the column's number (attnum; negative for system columns such as
	// ctid). TableOID is 0 for a computed column.
	TableOID    uint32 `json:"tableOid,omitempty"`
	TableColumn int16  `json:"tableColumn,omitempty"`
	// TypeCategory is the type's pg_type.typcategory, one letter: "N"
	// numeric, "S" string, "B" boolean, "D" date/time, "T" interval, "E"
	// enum, "A" array, "C" composite, "R" range, "U" user-defined, …; empty
	// while unknown.
	TypeCategory string `json:"typeCategory"`
}

// Options tunes New. The zero value is usable.
type Options struct {
	// MemoryBudget is the number of bytes of row data kept in RAM; 0 means
	// DefaultMemoryBudget. Chunks beyond it go to a temporary file. The
	// chunk being filled always stays in RAM, so the data held in memory is
	// at most max(MemoryBudget, chunk size + the largest row).
	MemoryBudget int64
	// TempDir is where the spill file is created; "" means os.TempDir().
	// Tusk passes a directory under its cache directory (see SweepSpillFiles).
	TempDir string
	// Budget, when set, is a memory budget shared with other Sets and
	// replaces MemoryBudget: all of them together stay within it. nil gives
	// the Set a budget of its own.
	Budget *Budget
}

// Stats describes the storage of a Set.
type Stats struct {
	// Rows is the number of rows appended.
	Rows int64 `json:"rows"`
	// DataBytes is the encoded size of all rows (RAM and file).
	DataBytes int64 `json:"dataBytes"`
	// MemoryBytes is what the Set holds in RAM: chunk buffers (capacity) plus the row index.
	MemoryBytes int64 `json:"memoryBytes"`
	// FileBytes is the size of the spill file.
	FileBytes int64 `json:"fileBytes"`
	// Chunks is the number of chunks; SpilledChunks of them live in the file.
	Chunks        int `json:"chunks"`
	SpilledChunks int `json:"spilledChunks"`
	// TempFile is the path of the spill file, "" while nothing has spilled.
	TempFile string `json:"tempFile"`
}

// chunk is a run of consecutive rows, encoded back to back. Every value is
// a uvarint of its length+1 (0 = SQL NULL) followed by its bytes; a row is
// len(columns) values. A row never spans two chunks.
type chunk struct {
	first   int64    // number of the chunk's first row
	rows    int      // rows in the chunk
	size    int64    // encoded bytes in the chunk
	data    []byte   // the bytes while resident (len == size); nil once spilled
	fileOff int64    // offset of the bytes in the spill file once spilled
	cps     []uint32 // byte offset of rows 0, checkpointEvery, 2*checkpointEvery, …
}

// Set stores the rows of one query compactly, in chunks kept in RAM up to a
// budget and in an append-only temporary file beyond it.
//
// A Set is safe for concurrent use. It is meant for one writer (Append,
// Done; concurrent Appends are serialized) and any number of concurrent
// readers (Len, Page, Value, exports): a reader sees a consistent prefix of
// the rows, never a partly appended row, and is not blocked while the
// writer writes to the spill file. Close may be called from any goroutine,
// any number of times.
type Set struct {
	columns   []Column
	budget    *Budget
	chunkSize int
	tempDir   string

	wmu sync.Mutex // serializes Append, so that it may release mu while writing the spill file

	mu       sync.RWMutex // guards the fields below
	chunks   []*chunk     // the last one is being filled unless it is spilled
	rows     int64
	resident int64 // capacity of the chunk buffers in RAM
	index    int64 // bytes of row index and chunk bookkeeping
	file     *os.File
	fileSize int64
	spilled  int
	done     bool
	err      error
	closed   bool
	// order is the sorted and filtered view (SetView); nil shows every row.
	order       *order
	builds      uint64             // numbers the SetView calls: the latest wins
	cancelBuild context.CancelFunc // stops the view being built, if any
}

// New returns an empty Set for rows of the given columns (copied).
func New(columns []Column, opts Options) *Set {
	budget := opts.Budget
	if budget == nil {
		budget = NewBudget(opts.MemoryBudget)
	}
	size := int64(maxChunkSize)
	if budget.limit/4 < size {
		size = max(budget.limit/4, minChunkSize)
	}
	dir := opts.TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	return &Set{
		columns:   append([]Column(nil), columns...),
		budget:    budget,
		chunkSize: int(size),
		tempDir:   dir,
	}
}

// Columns returns a copy of the columns.
func (s *Set) Columns() []Column {
	return append([]Column(nil), s.columns...)
}

// Append adds one row. raw holds one value per column in PostgreSQL text
// format, as pgx's Rows.RawValues returns them; a nil value is SQL NULL, an
// empty non-nil one the empty string. The bytes are copied, so raw may be
// reused by the caller. Append returns an error when len(raw) does not match
// the columns, after Close, or when the spill file cannot be written.
func (s *Set) Append(raw [][]byte) error {
	if len(raw) != len(s.columns) {
		return fmt.Errorf("resultset: append %d values to a row of %d columns", len(raw), len(s.columns))
	}
	n := 0
	for _, v := range raw {
		if v == nil {
			n++
			continue
		}
		n += uvarintLen(uint64(len(v))+1) + len(v)
	}

	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	c := s.active()
	if c == nil || len(c.data)+n > cap(c.data) {
		if c != nil && s.overBudget() {
			if err := s.spill(c); err != nil {
				return err
			}
		}
		c = &chunk{first: s.rows, data: make([]byte, 0, max(s.chunkSize, n))}
		s.chunks = append(s.chunks, c)
		s.resident += int64(cap(c.data))
		s.budget.take(int64(cap(c.data)))
		s.index += chunkOverhead
	}
	if c.rows%checkpointEvery == 0 {
		old := cap(c.cps)
		c.cps = append(c.cps, uint32(len(c.data)))
		s.index += int64(cap(c.cps)-old) * 4
	}
	// Readers only look at c.data[:len] of their snapshot, so writing past
	// it does not disturb them.
	buf := c.data
	for _, v := range raw {
		if v == nil {
			buf = append(buf, 0)
			continue
		}
		buf = binary.AppendUvarint(buf, uint64(len(v))+1)
		buf = append(buf, v...)
	}
	c.data = buf
	c.size = int64(len(buf))
	c.rows++
	s.rows++
	return nil
}

// active returns the chunk being filled, or nil.
func (s *Set) active() *chunk {
	if len(s.chunks) == 0 {
		return nil
	}
	c := s.chunks[len(s.chunks)-1]
	if c.data == nil {
		return nil
	}
	return c
}

// overBudget reports whether a full chunk must go to the spill file:
// keeping it and starting a fresh one would exceed the budget (shared with
// every other Set of the same Budget). Once a chunk has spilled, all later
// ones do, as the file is append-only.
func (s *Set) overBudget() bool {
	return s.spilled > 0 || !s.budget.fits(int64(s.chunkSize))
}

// spill moves the full chunk c to the end of the spill file. The caller
// holds s.wmu and s.mu; spill releases s.mu while it writes, so readers are
// not blocked by the disk (c is immutable by now and stays readable from
// memory until it is switched over).
func (s *Set) spill(c *chunk) error {
	if s.file == nil {
		f, err := os.CreateTemp(s.tempDir, spillPattern)
		if err != nil {
			return fmt.Errorf("resultset: create spill file: %w", err)
		}
		s.file = f
	}
	f, data, off := s.file, c.data, s.fileSize
	s.mu.Unlock()
	_, err := f.WriteAt(data, off)
	s.mu.Lock()
	if s.closed {
		return ErrClosed
	}
	if err != nil {
		return fmt.Errorf("resultset: write spill file: %w", err)
	}
	c.fileOff = off
	s.fileSize += c.size
	s.resident -= int64(cap(c.data))
	s.budget.give(int64(cap(c.data)))
	c.data = nil // readers may still hold the buffer; the GC frees it after them
	s.spilled++
	return nil
}

// Len returns the number of rows appended so far.
func (s *Set) Len() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rows
}

// Done marks the set complete; err is the query's error, if any (the rows
// before it stay readable). Later calls to Done are ignored.
func (s *Set) Done(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	s.done, s.err = true, err
}

// IsDone reports whether Done was called.
func (s *Set) IsDone() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.done
}

// Err returns the error passed to Done (nil while running or on success).
func (s *Set) Err() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.err
}

// Stats returns a snapshot of the storage figures.
func (s *Set) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := Stats{
		Rows:          s.rows,
		MemoryBytes:   s.resident + s.index,
		FileBytes:     s.fileSize,
		Chunks:        len(s.chunks),
		SpilledChunks: s.spilled,
	}
	for _, c := range s.chunks {
		st.DataBytes += c.size
	}
	if s.file != nil {
		st.TempFile = s.file.Name()
	}
	return st
}

// Close releases the memory and deletes the spill file. Reads and appends
// after Close fail with ErrClosed; Close is idempotent and safe to call
// while readers are running (their reads of spilled rows then fail).
func (s *Set) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.chunks = nil
	s.order = nil
	if s.cancelBuild != nil {
		s.cancelBuild()
	}
	s.budget.give(s.resident)
	s.resident, s.index, s.fileSize = 0, 0, 0
	if !s.done {
		s.done = true
	}
	if s.file == nil {
		return nil
	}
	f := s.file
	s.file = nil
	err := f.Close()
	if rmErr := os.Remove(f.Name()); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
		err = errors.Join(err, rmErr)
	}
	if err != nil {
		return fmt.Errorf("resultset: remove spill file: %w", err)
	}
	return nil
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}
