package resultset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"
)

// errCorrupt reports undecodable stored bytes (a bug or a damaged spill file).
var errCorrupt = errors.New("resultset: corrupt row data")

// view is a reader's snapshot of a chunk: a consistent prefix of its rows.
type view struct {
	first   int64
	rows    int
	size    int64
	data    []byte // nil when spilled
	fileOff int64
	cps     []uint32
	file    *os.File
}

// snapshot returns the views of the chunks holding rows [from, to) and the
// number of rows in the set. It fails after Close.
func (s *Set) snapshot(from, to int64) ([]view, int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, 0, ErrClosed
	}
	total := s.rows
	to = min(to, total)
	if from >= to {
		return nil, total, nil
	}
	i := sort.Search(len(s.chunks), func(i int) bool {
		c := s.chunks[i]
		return c.first+int64(c.rows) > from
	})
	var vs []view
	for ; i < len(s.chunks) && s.chunks[i].first < to; i++ {
		c := s.chunks[i]
		vs = append(vs, view{first: c.first, rows: c.rows, size: c.size, data: c.data,
			fileOff: c.fileOff, cps: c.cps[:len(c.cps):len(c.cps)], file: s.file})
	}
	return vs, total, nil
}

// rowReader decodes the rows of a chunk view.
type rowReader struct {
	buf  []byte // the bytes being decoded: chunk memory or spill
	own  []byte // buffer for bytes read from the spill file, never chunk memory
	pos  int
	vals [][]byte
	need []bool // the columns to decode (nil: all); the others read as nil
}

// load makes r read rows [lo, hi) (chunk-local numbers) of v, reading only
// the bytes they need from the spill file.
func (r *rowReader) load(v view, lo, hi, ncols int) error {
	cp := lo / checkpointEvery
	start := int64(v.cps[cp])
	end := v.size
	if next := (hi + checkpointEvery - 1) / checkpointEvery; next < len(v.cps) {
		end = int64(v.cps[next])
	}
	if v.data != nil {
		r.buf = v.data[start:end]
	} else {
		if v.file == nil {
			return ErrClosed
		}
		if int64(cap(r.own)) < end-start {
			r.own = make([]byte, end-start)
		}
		r.buf = r.own[:end-start]
		if _, err := v.file.ReadAt(r.buf, v.fileOff+start); err != nil {
			if errors.Is(err, os.ErrClosed) {
				return ErrClosed
			}
			return fmt.Errorf("resultset: read spill file: %w", err)
		}
	}
	r.pos = 0
	if cap(r.vals) < ncols {
		r.vals = make([][]byte, ncols)
	}
	r.vals = r.vals[:ncols]
	for range lo - cp*checkpointEvery {
		if err := r.next(); err != nil {
			return err
		}
	}
	return nil
}

// next decodes the next row into r.vals; the values alias r.buf (a nil
// value is NULL) and are valid until the next load.
func (r *rowReader) next() error {
	for i := range r.vals {
		n, k := binary.Uvarint(r.buf[r.pos:])
		if k <= 0 || uint64(len(r.buf)-r.pos-k) < n-min(n, 1) {
			return errCorrupt
		}
		r.pos += k
		if n == 0 || r.need != nil && !r.need[i] {
			r.vals[i] = nil
			r.pos += int(n - min(n, 1))
			continue
		}
		end := r.pos + int(n-1)
		r.vals[i] = r.buf[r.pos:end:end]
		r.pos = end
	}
	return nil
}

// scan calls fn for every row in [from, to) that exists, in order, with the
// row number and values valid only during the call. It never holds the
// lock while calling fn. check, when not nil, is called every few hundred
// rows (cancellation).
func (s *Set) scan(from, to int64, check func() error, fn func(row int64, vals [][]byte) error) error {
	return s.scanCols(from, to, check, nil, fn)
}

// scanCols is scan decoding only the columns need marks (nil: all); the
// others are passed as nil.
func (s *Set) scanCols(from, to int64, check func() error, need []bool, fn func(row int64, vals [][]byte) error) error {
	vs, _, err := s.snapshot(from, to)
	if err != nil {
		return err
	}
	r := rowReader{need: need}
	ncols := len(s.columns)
	for _, v := range vs {
		lo := int(max(from-v.first, 0))
		hi := int(min(to-v.first, int64(v.rows)))
		// Read spilled chunks in slices of a few thousand rows to bound memory.
		for lo < hi {
			step := min(hi-lo, 4096)
			if err := r.load(v, lo, lo+step, ncols); err != nil {
				return err
			}
			for i := lo; i < lo+step; i++ {
				if check != nil && i%256 == 0 {
					if err := check(); err != nil {
						return err
					}
				}
				if err := r.next(); err != nil {
					return err
				}
				if err := fn(v.first+int64(i), r.vals); err != nil {
					return err
				}
			}
			lo += step
		}
	}
	return nil
}
