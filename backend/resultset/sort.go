package resultset

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// A sort reads the rows in parts, one goroutine each (scanParts), turns
// every row's sort values into one byte key (sortkey.go) and sorts the
// positions of the keys with keySorter, spreading the work over the cores.
//
// Memory beyond the result's own: per row kept, its number (4 bytes), its
// key (text: 2 × the text + 4 bytes per column; numbers 9; numerics the
// text + 5) with a 4-byte offset, and 24 bytes of sort state (position,
// spare position, digit and spare digit): for a 30-byte text column about
// 100 bytes a row, for a numeric about 50. When a typed column sorts as
// text (a value that does not parse), its values are kept too until the
// keys are made (about the text + 13 bytes a row).

// part is what one goroutine of the pass over the rows collected: the
// rows it kept, in order, and their sort keys.
type part struct {
	rows []int32
	// direct is set while the keys go to arena as rows are read: a key
	// needs no other value of its column unless a value of a typed column
	// fails to parse, which makes the whole column sort as text (then the
	// pass runs again with direct unset, keeping the values in keys).
	direct bool
	kinds  []keyKind // of the sort columns
	keys   []*column // the sort values, when not direct
	arena  []byte
	off    []uint32 // key i is arena[off[i]:off[i+1]]
}

// errAsText stops a direct pass: a sort column must sort as text.
var errAsText = errors.New("resultset: a sort column sorts as text")

// newPart returns a part for about capacity rows of the sort columns,
// whose values take about sizes[column] bytes each.
func (s *Set) newPart(sort []SortKey, capacity int, sizes []int, direct bool) part {
	p := part{rows: make([]int32, 0, capacity), direct: direct}
	if len(sort) == 0 {
		return p
	}
	keyBytes := 0
	for _, k := range sort {
		kind := kindOf(s.columns[k.Column].TypeOID)
		p.kinds = append(p.kinds, kind)
		switch kind {
		case keyText:
			keyBytes += 2*sizes[k.Column] + 4
		case keyNumeric:
			keyBytes += sizes[k.Column] + 6
		default:
			keyBytes += 9
		}
	}
	if p.direct {
		p.arena = make([]byte, 0, capacity*keyBytes)
		p.off = make([]uint32, 1, capacity+1)
		return p
	}
	p.keys = make([]*column, len(sort))
	for c, k := range sort {
		p.keys[c] = newColumn(s.columns[k.Column].TypeOID, capacity)
		p.keys[c].text = make([]byte, 0, capacity*(sizes[k.Column]+1))
	}
	return p
}

// valueSizes returns the average size of each column's values over the
// first rows (at most n), at least 1.
func (s *Set) valueSizes(n int64) ([]int, error) {
	sum := make([]int64, len(s.columns))
	rows := int64(0)
	err := s.scan(0, n, nil, func(_ int64, vals [][]byte) error {
		for i, v := range vals {
			sum[i] += int64(len(v))
		}
		rows++
		return nil
	})
	sizes := make([]int, len(sum))
	for i := range sizes {
		sizes[i] = int(sum[i]/max(rows, 1)) + 1
	}
	return sizes, err
}

func (p *part) len() int { return len(p.rows) }

// add keeps row, whose values are vals.
func (p *part) add(row int32, vals [][]byte, sort []SortKey) error {
	p.rows = append(p.rows, row)
	if p.direct && len(sort) > 0 {
		for c, k := range sort {
			v := vals[k.Column]
			if p.kinds[c] == keyText || v == nil {
				p.arena = appendTextKey(p.arena, v, k.Desc)
				continue
			}
			n, f, ok := parseSortValue(p.kinds[c], v)
			if !ok {
				return errAsText
			}
			p.arena = appendTypedKey(p.arena, p.kinds[c], v, n, f, k.Desc)
		}
		if len(p.arena) > math.MaxUint32 {
			return fmt.Errorf("resultset: the sort columns hold too much text to sort")
		}
		p.off = append(p.off, uint32(len(p.arena)))
		return nil
	}
	for i, k := range sort {
		p.keys[i].add(vals[k.Column])
		if len(p.keys[i].text) > math.MaxUint32 {
			return fmt.Errorf("resultset: column %d holds too much text to sort", k.Column)
		}
	}
	return nil
}

// makeKeys turns the part's sort values into keys (nothing to do for a
// direct part) and drops the values.
func (p *part) makeKeys(sort []SortKey) error {
	if p.direct {
		return nil
	}
	size := 0
	for _, k := range p.keys {
		size += k.keyCap()
	}
	p.arena = make([]byte, 0, size)
	p.off = make([]uint32, 1, p.len()+1)
	for i := range p.len() {
		for c, k := range sort {
			p.arena = p.keys[c].appendKey(p.arena, int32(i), k.Desc)
		}
		if len(p.arena) > math.MaxUint32 {
			return fmt.Errorf("resultset: the sort columns hold too much text to sort")
		}
		p.off = append(p.off, uint32(len(p.arena)))
	}
	p.keys = nil
	return nil
}

// joinRows returns the parts' rows, one part after the other.
func joinRows(parts []part) []int32 {
	n := 0
	for _, p := range parts {
		n += p.len()
	}
	rows := make([]int32, 0, n) // never nil: nil shows every row
	for _, p := range parts {
		rows = append(rows, p.rows...)
	}
	return rows
}

// sortRows orders the rows of parts by their keys; equal keys keep their
// order. It returns nil when ctx is done first.
func sortRows(ctx context.Context, parts []part, sort []SortKey) ([]int32, error) {
	for c := range sort { // a value that did not parse makes the whole column text
		asText := false
		for _, p := range parts {
			asText = asText || !p.direct && p.keys[c].asText
		}
		for _, p := range parts {
			if !p.direct {
				p.keys[c].asText = asText
			}
		}
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() { errs[i] = parts[i].makeKeys(sort) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	ks := keySorter{}
	n := 0
	for _, p := range parts {
		ks.parts = append(ks.parts, keyPart{first: int32(n), arena: p.arena, off: p.off})
		n += p.len()
	}
	pos := make([]int32, n)
	for i := range pos {
		pos[i] = int32(i)
	}
	ks.tmp, ks.word, ks.tmpWord = make([]int32, n), make([]uint64, n), make([]uint64, n)
	// NULLs first sort column apart (stably, after the others), so that
	// the prefix the values share can be skipped (see sortParallel).
	values := ks.splitNulls(pos)
	ks.sortParallel(ctx, pos[:values], 0, 0, workers(values/smallRun))
	ks.sortParallel(ctx, pos[values:], values, 0, workers((n-values)/smallRun))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// pos holds positions in the parts' rows taken in turn: map them back.
	k := 0
	for i, p := range pos {
		for k > 0 && ks.parts[k].first > p {
			k--
		}
		for k+1 < len(ks.parts) && ks.parts[k+1].first <= p {
			k++
		}
		pos[i] = parts[k].rows[p-ks.parts[k].first]
	}
	return pos, nil
}

// splitNulls moves the positions whose key starts with a NULL to the end,
// both groups keeping their order, and returns how many do not.
func (ks *keySorter) splitNulls(pos []int32) int {
	values, nulls := 0, 0
	for _, p := range pos { // pos[values] is read before it is written
		if ks.key(p)[0] != 1 {
			pos[values] = p
			values++
		} else {
			ks.tmp[nulls] = p
			nulls++
		}
	}
	copy(pos[values:], ks.tmp[:nulls])
	return values
}

// keySorter sorts positions by their byte keys: an MSD radix sort on 8-byte
// digits (each digit sorted by an LSD radix sort of its bytes, or for a
// small run by an insertion sort). Keys are prefix-free (see sortkey.go), so
// keys that agree on every digit are equal; equal keys keep their order.
// Runs of positions are sorted concurrently; each uses only its own range
// of tmp, word and tmpWord.
type keySorter struct {
	parts         []keyPart // by first position
	tmp           []int32
	word, tmpWord []uint64
}

// keyPart holds the keys of positions first, first+1, ….
type keyPart struct {
	first int32
	arena []byte
	off   []uint32 // key first+i is arena[off[i]:off[i+1]]
}

// smallRun is the run length up to which an insertion sort is faster.
const smallRun = 64

func (ks *keySorter) key(p int32) []byte {
	i := len(ks.parts) - 1
	for ks.parts[i].first > p {
		i--
	}
	kp := &ks.parts[i]
	p -= kp.first
	return kp.arena[kp.off[p]:kp.off[p+1]]
}

// sortParallel is sort with up to workers goroutines: it skips the prefix
// all keys share, sorts by one digit, then shares the runs of equal digits
// among them (or, when all agree on the digit, goes on to the next one).
func (ks *keySorter) sortParallel(ctx context.Context, pos []int32, base, depth, workers int) {
	if len(pos) <= smallRun {
		ks.sort(ctx, pos, base, depth)
		return
	}
	depth += ks.commonPrefix(pos, depth)
	word := ks.word[base : base+len(pos)]
	longers := make([]bool, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(pos)*w/workers, len(pos)*(w+1)/workers
		wg.Go(func() { longers[w] = ks.digits(pos[lo:hi], word[lo:hi], depth) })
	}
	wg.Wait()
	ks.radix(pos, word, base)
	if !slices.Contains(longers, true) || ctx.Err() != nil {
		return // keys that agree on this digit are equal: order kept
	}
	if word[0] == word[len(word)-1] { // one run: all agree on this digit
		ks.sortParallel(ctx, pos, base, depth+8, workers)
		return
	}
	var runs [][2]int
	for start := 0; start < len(pos); {
		end := start + 1
		for end < len(pos) && word[end] == word[start] {
			end++
		}
		if end-start > 1 {
			runs = append(runs, [2]int{start, end})
		}
		start = end
	}
	var next atomic.Int64
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(runs) {
					return
				}
				r := runs[i]
				ks.sort(ctx, pos[r[0]:r[1]], base+r[0], depth+8)
			}
		})
	}
	wg.Wait()
}

// commonPrefix returns how many bytes from depth on every key of pos
// shares: skipping them keeps the order and makes the next digit count
// (values that all start alike, such as 'row …' or 'https://…').
func (ks *keySorter) commonPrefix(pos []int32, depth int) int {
	first := ks.key(pos[0])
	ref := first[min(depth, len(first)):]
	for _, p := range pos[1:] {
		k := ks.key(p)
		k = k[min(depth, len(k)):]
		i, n := 0, min(len(ref), len(k))
		for i < n && k[i] == ref[i] {
			i++
		}
		ref = ref[:i]
		if i == 0 {
			return 0
		}
	}
	return len(ref)
}

// digits sets word[i] to the 8 bytes of pos[i]'s key from byte depth on
// (0 beyond its end) and reports whether a key goes on past them.
func (ks *keySorter) digits(pos []int32, word []uint64, depth int) (longer bool) {
	for i, p := range pos {
		k := ks.key(p)
		if depth+8 <= len(k) {
			word[i] = binary.BigEndian.Uint64(k[depth:])
			longer = longer || len(k) > depth+8
			continue
		}
		var w uint64
		for j := depth; j < depth+8; j++ {
			w <<= 8
			if j < len(k) {
				w |= uint64(k[j])
			}
		}
		word[i] = w
	}
	return longer
}

// sort orders pos, which starts at index base of the positions being
// sorted, by the keys from byte depth on.
func (ks *keySorter) sort(ctx context.Context, pos []int32, base, depth int) {
	if len(pos) < 2 || ctx.Err() != nil {
		return
	}
	word := ks.word[base : base+len(pos)]
	longer := ks.digits(pos, word, depth)
	if len(pos) <= smallRun {
		insertionSort(pos, word)
	} else {
		ks.radix(pos, word, base)
	}
	if !longer {
		return // keys that agree on this digit are equal: order kept
	}
	for start := 0; start < len(pos); {
		end := start + 1
		for end < len(pos) && word[end] == word[start] {
			end++
		}
		if end-start > 1 {
			ks.sort(ctx, pos[start:end], base+start, depth+8)
		}
		start = end
	}
}

// insertionSort sorts pos by word (in step), stably.
func insertionSort(pos []int32, word []uint64) {
	for i := 1; i < len(pos); i++ {
		p, w := pos[i], word[i]
		j := i
		for ; j > 0 && word[j-1] > w; j-- {
			pos[j], word[j] = pos[j-1], word[j-1]
		}
		pos[j], word[j] = p, w
	}
}

// radix sorts pos by word (in step), stably, one byte at a time from the
// least significant, skipping bytes all words share. The counts of all
// eight bytes come from one pass: moving words does not change them.
func (ks *keySorter) radix(pos []int32, word []uint64, base int) {
	var counts [8][256]uint32
	for _, w := range word {
		for b := range counts {
			counts[b][byte(w>>(8*b))]++
		}
	}
	src, srcWord := pos, word
	dst, dstWord := ks.tmp[base:base+len(pos)], ks.tmpWord[base:base+len(pos)]
	for b := range counts {
		count := &counts[b]
		shift := uint(8 * b)
		if int(count[byte(word[0]>>shift)]) == len(word) {
			continue
		}
		sum := uint32(0)
		for i := range count {
			c := count[i]
			count[i] = sum
			sum += c
		}
		for i, w := range srcWord {
			d := byte(w >> shift)
			dst[count[d]] = src[i]
			dstWord[count[d]] = w
			count[d]++
		}
		src, dst = dst, src
		srcWord, dstWord = dstWord, srcWord
	}
	if &src[0] != &pos[0] { // an odd number of passes ended in the spare buffers
		copy(pos, src)
		copy(word, srcWord)
	}
}
