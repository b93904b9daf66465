package resultset

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Sorting works on byte keys: each row's sort columns are encoded into one
// byte string whose plain byte order (bytes.Compare) is the order SortKey
// describes, so the sort compares memory, not types.
//
// Per column: a NULL byte (0 for a value, 1 for NULL, never inverted: NULLs
// last in both directions), then the value, whose bytes are inverted for a
// descending column:
//
//   - integers: 8 bytes big-endian with the sign bit flipped;
//   - floats, times, intervals, booleans: the float64 bits made sortable
//     (NaN and +Infinity last);
//   - numerics and money: a decimal encoding (sign, length of the integer
//     part, digits) that is exact however many digits there are;
//   - text (and columns whose values did not parse as their type): the
//     text folded to lower case, 0, the text, 0. Text never holds a 0 byte
//     and UTF-8 never holds 0xFF, so the inverted form ends in 0xFF and a
//     prefix still sorts after the longer text.

// appendTextKey appends the key of text v (nil = NULL), which needs no
// other value of its column: text columns build their keys as they are
// read.
func appendTextKey(dst, v []byte, desc bool) []byte {
	if v == nil {
		return append(dst, 1)
	}
	dst = append(dst, 0)
	start := len(dst)
	dst = appendFolded(dst, v)
	dst = append(dst, 0)
	dst = append(dst, v...)
	dst = append(dst, 0)
	if desc {
		invert(dst[start:])
	}
	return dst
}

func invert(b []byte) {
	for k := range b {
		b[k] = ^b[k]
	}
}

// appendKey appends the key of value i of c.
func (c *column) appendKey(dst []byte, i int32, desc bool) []byte {
	if c.asText || c.kind == keyText {
		var v []byte
		if !c.null[i] {
			v = c.bytes(i)
			if v == nil {
				v = []byte{}
			}
		}
		return appendTextKey(dst, v, desc)
	}
	if c.null[i] {
		return append(dst, 1)
	}
	var n int64
	var f float64
	if c.kind == keyInt {
		n = c.inum[i]
	} else {
		f = c.num[i]
	}
	return appendTypedKey(dst, c.kind, c.bytes(i), n, f, desc)
}

// appendTypedKey appends the key of the non-NULL v of kind k (not text),
// parsed into n or f (parseSortValue).
func appendTypedKey(dst []byte, k keyKind, v []byte, n int64, f float64, desc bool) []byte {
	dst = append(dst, 0)
	start := len(dst)
	switch k {
	case keyInt:
		dst = binary.BigEndian.AppendUint64(dst, uint64(n)^(1<<63))
	case keyNumeric:
		dst = appendDecimalKey(dst, v, f)
	default:
		dst = binary.BigEndian.AppendUint64(dst, sortableFloat(f))
	}
	if desc {
		invert(dst[start:])
	}
	return dst
}

// keyCap is about the bytes the keys of c's values take (more for text
// that grows when folded).
func (c *column) keyCap() int {
	n := len(c.null)
	switch {
	case c.asText || c.kind == keyText:
		return 4*n + 2*len(c.text)
	case c.kind == keyNumeric:
		return 6*n + len(c.text)
	}
	return 9 * n
}

// sortableFloat maps f to an unsigned integer of the same order, NaN above
// +Infinity, -0 equal to 0.
func sortableFloat(f float64) uint64 {
	if math.IsNaN(f) {
		return math.MaxUint64
	}
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// appendFolded appends v folded to lower case (ASCII fast, then Unicode
// simple lower case).
func appendFolded(dst, v []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, len(v))[:n+len(v)]
	out := dst[n:]
	for i, c := range v {
		if c >= utf8.RuneSelf {
			return appendFoldedRunes(dst[:n+i], v[i:])
		}
		out[i] = foldTable[c]
	}
	return dst
}

func appendFoldedRunes(dst, v []byte) []byte {
	for i := 0; i < len(v); {
		if c := v[i]; c < utf8.RuneSelf {
			dst = append(dst, foldTable[c])
			i++
			continue
		}
		r, size := utf8.DecodeRune(v[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}

// appendDecimalKey encodes a numeric's text exactly: 0 for negative, 1 for
// zero, 2 for positive numbers, 3 for NaN; then (negative: inverted) the
// number of integer digits in 2 bytes, the digits without leading or
// trailing zeros, and a terminator. Text that is not a plain decimal
// (money with symbols) falls back to its float value f.
func appendDecimalKey(dst, v []byte, f float64) []byte {
	s := v
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	ip, fp, _ := bytes.Cut(s, []byte{'.'})
	plain := len(ip)+len(fp) > 0
	for _, part := range [][]byte{ip, fp} {
		for _, c := range part {
			if c < '0' || c > '9' {
				plain = false
			}
		}
	}
	switch {
	case string(v) == "NaN":
		return append(dst, 3)
	case !plain:
		dst = append(dst, 4) // after every plain number: compare by value among themselves
		return binary.BigEndian.AppendUint64(dst, sortableFloat(f))
	}
	ip = bytes.TrimLeft(ip, "0")
	fp = bytes.TrimRight(fp, "0")
	if len(ip) == 0 && len(fp) == 0 {
		return append(dst, 1)
	}
	// The significant digits: ip then fp, without the zeros that start fp
	// when ip is empty (0.00123: the exponent counts them instead).
	exp := len(ip)
	if len(ip) == 0 {
		lead := 0
		for lead < len(fp) && fp[lead] == '0' {
			lead++
		}
		fp, exp = fp[lead:], -lead
	}
	mark := byte(2)
	if neg {
		mark = 0
	}
	dst = append(dst, mark)
	start := len(dst)
	dst = binary.BigEndian.AppendUint16(dst, uint16(exp+0x8000))
	dst = append(dst, ip...)
	dst = append(dst, fp...)
	if !neg {
		return append(dst, 0)
	}
	for k := start; k < len(dst); k++ {
		dst[k] = ^dst[k]
	}
	return append(dst, 0xFF)
}
