package resultset

import (
	"context"
	"encoding/binary"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
)

// The quick filter with an ASCII needle (what people type, nearly always)
// never decodes rows: it searches the stored bytes of a chunk directly,
// either 8 bytes at a time for places where the needle's first and last
// bytes match ignoring ASCII case or, when a sample of the rows shows a
// needle byte to be rare, with IndexByte for that byte in both cases. It
// checks the needle there, and only for a match decodes the row around it
// to learn whether the match lies inside one cell (the bytes between cells
// are length prefixes, which a match may straddle). Chunks are searched by
// GOMAXPROCS goroutines; each chunk's rows come out in order, and the
// chunks are joined in order.
//
// A cell matches exactly when it does for matcher.cell: ASCII letters
// match either case, every other byte only itself.

// quickRows returns the rows of the set's first total rows that have a
// cell containing m's needle, in order. m's needle must be ASCII.
func (s *Set) quickRows(ctx context.Context, m *matcher, total int64) ([]int32, error) {
	var freq [256]int
	sample := 0
	err := s.scan(0, min(total, 2048), nil, func(_ int64, vals [][]byte) error {
		for _, v := range vals {
			for _, c := range v {
				freq[c]++
			}
			sample += len(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.tune(&freq, sample)
	vs, _, err := s.snapshot(0, total)
	if err != nil {
		return nil, err
	}
	found := make([][]int32, len(vs))
	var next atomic.Int64 // the next chunk to search
	var wg sync.WaitGroup
	errs := make([]error, workers(len(vs)))
	for w := range errs {
		wg.Go(func() {
			var r rowReader
			for {
				ci := int(next.Add(1) - 1)
				if ci >= len(vs) || ctx.Err() != nil {
					return
				}
				rows, err := m.chunkRows(&r, vs[ci], total, len(s.columns), ctx.Err)
				if err != nil {
					errs[w] = err
					next.Store(int64(len(vs))) // the others stop too
					return
				}
				found[ci] = rows
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	n := 0
	for _, f := range found {
		n += len(f)
	}
	rows := make([]int32, 0, n) // never nil: nil would show every row
	for _, f := range found {
		rows = append(rows, f...)
	}
	return rows, nil
}

// workers is how many goroutines share n pieces of work.
func workers(n int) int {
	return max(min(runtime.GOMAXPROCS(0), n), 1)
}

// chunkRows searches the rows of chunk v below total, reading a spilled
// chunk a few thousand rows at a time.
func (m *matcher) chunkRows(r *rowReader, v view, total int64, ncols int, check func() error) ([]int32, error) {
	var rows []int32
	n := int(min(total-v.first, int64(v.rows)))
	for lo := 0; lo < n; {
		hi := n
		if v.data == nil {
			hi = min(n, lo+4096)
		}
		if err := check(); err != nil {
			return nil, err
		}
		// lo is a multiple of checkpointEvery, so load decodes nothing.
		if err := r.load(v, lo, hi, ncols); err != nil {
			return nil, err
		}
		cps := v.cps[lo/checkpointEvery : (hi+checkpointEvery-1)/checkpointEvery]
		var err error
		rows, err = m.bufRows(rows, r.buf, cps, v.first+int64(lo), hi-lo, ncols)
		if err != nil {
			return nil, err
		}
		lo = hi
	}
	return rows, nil
}

// bufRows appends to rows the numbers of the matching rows among the
// count rows encoded in buf, the first of which is row first; cps are the
// offsets of every checkpointEvery-th row relative to the chunk, cps[0]
// being buf's start. buf may end with rows past count (a checkpoint
// slice), which are ignored.
func (m *matcher) bufRows(rows []int32, buf []byte, cps []uint32, first int64, count, ncols int) ([]int32, error) {
	base := cps[0]
	f := finder{m: m, buf: buf, nextLo: -2, nextUp: -2}
	for pos := 0; ; {
		p := f.index(pos)
		if p < 0 {
			return rows, nil
		}
		// Decode from the checkpoint at or before p to the row holding p.
		k := max(sort32(cps, uint32(p)+base)-1, 0)
		row, at := k*checkpointEvery, int(cps[k]-base)
		hit, end := false, 0
		for {
			var err error
			hit, end, err = rowHolds(buf, at, ncols, p, len(m.needle))
			if err != nil {
				return rows, err
			}
			if end > p {
				break
			}
			row, at = row+1, end
		}
		if row >= count {
			return rows, nil
		}
		if hit {
			rows = append(rows, int32(first+int64(row)))
			pos = end // the rest of the row does not matter
		} else {
			pos = p + 1
		}
	}
}

// sort32 returns the number of offsets in cps at or before off.
func sort32(cps []uint32, off uint32) int {
	i, j := 0, len(cps)
	for i < j {
		h := int(uint(i+j) >> 1)
		if cps[h] <= off {
			i = h + 1
		} else {
			j = h
		}
	}
	return i
}

// rowHolds decodes the row starting at buf[at] and reports whether one
// of its cells holds all of buf[p:p+n], and where the row ends.
func rowHolds(buf []byte, at, ncols, p, n int) (hit bool, end int, err error) {
	for range ncols {
		l, k := binary.Uvarint(buf[at:])
		if k <= 0 || uint64(len(buf)-at-k) < l-min(l, 1) {
			return false, 0, errCorrupt
		}
		at += k
		if l == 0 {
			continue // NULL
		}
		start := at
		at += int(l - 1)
		if start <= p && p+n <= at {
			hit = true
		}
	}
	return hit, at, nil
}

// tune picks how to search from the byte counts of a sample of the data
// (sample bytes in all): the anchor is the needle byte rarest in the
// sample (both cases of a letter), and a rare anchor is looked for with
// IndexByte, which skips long stretches far faster than index reads them.
func (m *matcher) tune(freq *[256]int, sample int) {
	best, bestScore := 0, -1
	for i, c := range m.needle {
		score := freq[c]
		if up := upperTable[c]; up != c {
			score += freq[up]
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = i, score
		}
	}
	m.setAnchor(best)
	m.sparse = bestScore*sparseAnchor < sample
}

// sparseAnchor: an anchor rarer than one byte in sparseAnchor is looked
// for with IndexByte.
const sparseAnchor = 128

var upperTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'a' <= i && i <= 'z' {
			t[i] = byte(i - 'a' + 'A')
		}
	}
	return t
}()

// finder finds the needle in one buffer, at increasing positions.
type finder struct {
	m   *matcher
	buf []byte
	// nextLo and nextUp are the next places where a match could start
	// that have the anchor in lower and upper case, once looked for (-2:
	// not yet; -1: none left).
	nextLo, nextUp int
}

// index returns the first position at or after from where the buffer
// holds the needle ignoring ASCII case, or -1. from must not decrease
// from one call to the next.
func (f *finder) index(from int) int {
	m := f.m
	if !m.sparse {
		return m.index(f.buf, from)
	}
	n := len(m.needle)
	if len(f.buf) < n {
		return -1
	}
	// Position p of hay is the anchor of a match starting at buf[p].
	hay := f.buf[m.anchor : len(f.buf)-n+m.anchor+1]
	lo, up := m.cases[0], m.cases[1]
	if up == lo {
		f.nextUp = -1
	}
	for off := from; off < len(hay); {
		f.nextLo, f.nextUp = nextByte(hay, f.nextLo, off, lo), nextByte(hay, f.nextUp, off, up)
		p := f.nextLo
		if p < 0 || f.nextUp >= 0 && f.nextUp < p {
			p = f.nextUp
		}
		if p < 0 {
			return -1
		}
		if equalFoldASCII(f.buf[p:p+n], m.needle) {
			return p
		}
		off = p + 1
	}
	return -1
}

// index returns the first position at or after from where buf holds the
// needle ignoring ASCII case, or -1, reading buf 8 bytes at a time.
func (m *matcher) index(buf []byte, from int) int {
	n := len(m.needle)
	last := len(buf) - n // the last position a match may start at
	// A byte b matches a lower-case letter c ignoring case exactly when
	// b|0x20 == c, and any other byte c when b == c.
	firstCase, first := caseBit(m.needle[0]), broadcast(m.needle[0])
	lastCase, lastB := caseBit(m.needle[n-1]), broadcast(m.needle[n-1])
	i := from
	for ; i+n-1+8 <= len(buf); i += 8 {
		a := binary.LittleEndian.Uint64(buf[i:])
		b := binary.LittleEndian.Uint64(buf[i+n-1:])
		hits := zeroFlags((a|firstCase)^first) & zeroFlags((b|lastCase)^lastB)
		for hits != 0 {
			p := i + bits.TrailingZeros64(hits)/8
			if equalFoldASCII(buf[p:p+n], m.needle) {
				return p
			}
			hits &= hits - 1
		}
	}
	for ; i <= last; i++ {
		if foldTable[buf[i]] == m.needle[0] && equalFoldASCII(buf[i:i+n], m.needle) {
			return i
		}
	}
	return -1
}

const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

func broadcast(c byte) uint64 { return lows * uint64(c) }

// caseBit is what to OR into bytes compared with the lower-case c: the
// case bit in every byte for a letter, nothing otherwise.
func caseBit(c byte) uint64 {
	if 'a' <= c && c <= 'z' {
		return broadcast(0x20)
	}
	return 0
}

// zeroFlags has 0x80 in every byte where x has 0, and maybe in bytes above
// one (a borrow), never elsewhere: flagged places are candidates, checked.
func zeroFlags(x uint64) uint64 {
	return (x - lows) &^ x & highs
}
