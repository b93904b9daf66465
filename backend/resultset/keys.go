package resultset

import (
	"bytes"
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// More type OIDs the views read (pg_type.oid).
const (
	oidMoney       = 790
	oidDate        = 1082
	oidTime        = 1083
	oidTimestamp   = 1114
	oidTimestampTZ = 1184
	oidInterval    = 1186
	oidTimeTZ      = 1266
)

// keyKind is how the values of a column compare.
type keyKind uint8

const (
	keyText     keyKind = iota // case-insensitive, then byte order
	keyInt                     // int2, int4, int8, oid
	keyFloat                   // float4, float8: NaN above every number
	keyNumeric                 // numeric, money: by value, exact digits breaking ties
	keyBool                    // false before true
	keyTime                    // date, time, timetz, timestamp, timestamptz (ISO DateStyle)
	keyInterval                // interval (months as 30 days, as PostgreSQL compares them)
)

// kindOf returns how values of type oid compare.
func kindOf(oid uint32) keyKind {
	switch oid {
	case oidInt2, oidInt4, oidInt8, oidOID:
		return keyInt
	case oidFloat4, oidFloat8:
		return keyFloat
	case oidNumeric, oidMoney:
		return keyNumeric
	case oidBool:
		return keyBool
	case oidDate, oidTime, oidTimeTZ, oidTimestamp, oidTimestampTZ:
		return keyTime
	case oidInterval:
		return keyInterval
	}
	return keyText
}

// column holds one column's values of the rows of a view, decoded for
// comparing: numbers in num (or inum), text (and exact digits) in an arena.
type column struct {
	kind keyKind
	null []bool
	num  []float64
	inum []int64
	off  []uint32 // text: start of value i in arena; value i ends at off[i+1]
	text []byte
	// asText is set when a value of a numeric or time column did not parse
	// (another DateStyle, an unexpected format): the column then compares
	// as text, which is still a stable order.
	asText bool
}

func newColumn(oid uint32, capacity int) *column {
	c := &column{kind: kindOf(oid), null: make([]bool, 0, capacity), off: make([]uint32, 1, capacity+1)}
	c.off[0] = 0
	switch c.kind {
	case keyInt:
		c.inum = make([]int64, 0, capacity)
	case keyText:
	default:
		c.num = make([]float64, 0, capacity)
	}
	return c
}

// add appends value v (nil = NULL). The text is kept for every kind: it
// breaks ties between numerics and is the fallback order.
func (c *column) add(v []byte) {
	c.null = append(c.null, v == nil)
	c.text = append(c.text, v...)
	c.off = append(c.off, uint32(len(c.text)))
	var n int64
	var f float64
	ok := true
	if v != nil {
		n, f, ok = parseSortValue(c.kind, v)
	}
	switch c.kind {
	case keyInt:
		c.inum = append(c.inum, n)
	case keyText:
	default:
		c.num = append(c.num, f)
	}
	if !ok {
		c.asText = true
	}
}

// parseSortValue parses the non-NULL v as kind k: integers into n, other
// kinds but text into f. ok is false when v does not parse (its column
// then sorts as text). A plain numeric ("-12.50") of at most 300 integer
// digits always parses and its key comes from its digits, so it is not
// parsed at all (f stays 0).
func parseSortValue(k keyKind, v []byte) (n int64, f float64, ok bool) {
	switch k {
	case keyInt:
		n, ok = parseInt(v)
	case keyNumeric:
		if digits, plain := plainDecimal(v); plain && digits <= 300 {
			return 0, 0, true
		}
		f, ok = parseNumber(v, true)
	case keyFloat:
		f, ok = parseNumber(v, false)
	case keyBool:
		if len(v) > 0 && v[0] == 't' {
			f = 1
		}
		ok = true
	case keyTime:
		f, ok = parseTime(v)
	case keyInterval:
		f, ok = parseInterval(v)
	default:
		ok = true
	}
	return n, f, ok
}

// parseInt reads a decimal integer without allocating.
func parseInt(v []byte) (int64, bool) {
	neg := len(v) > 0 && v[0] == '-'
	if neg || len(v) > 0 && v[0] == '+' {
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 19 {
		n, err := strconv.ParseInt(string(v), 10, 64)
		return n, err == nil
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if n < 0 { // overflowed 19 digits
		f, err := strconv.ParseInt(string(v), 10, 64)
		return f, err == nil
	}
	if neg {
		n = -n
	}
	return n, true
}

func (c *column) bytes(i int32) []byte { return c.text[c.off[i]:c.off[i+1]] }

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareFloat orders NaN above every number, as PostgreSQL does.
func compareFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmpOrdered(a, b)
}

// foldTable lowers ASCII letters.
var foldTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i + 'a' - 'A')
		}
	}
	return t
}()

// compareText orders text case-insensitively (Unicode simple folding to
// lower case), then by bytes, so "apple" < "Banana" < "banana".
func compareText(a, b []byte) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if ca < utf8.RuneSelf && cb < utf8.RuneSelf {
			if la, lb := foldTable[ca], foldTable[cb]; la != lb {
				return cmpOrdered(int64(la), int64(lb))
			}
			i++
			j++
			continue
		}
		ra, sa := utf8.DecodeRune(a[i:])
		rb, sb := utf8.DecodeRune(b[j:])
		if la, lb := unicode.ToLower(ra), unicode.ToLower(rb); la != lb {
			return cmpOrdered(int64(la), int64(lb))
		}
		i += sa
		j += sb
	}
	switch {
	case i < len(a):
		return 1
	case j < len(b):
		return -1
	}
	return bytes.Compare(a, b)
}

// parseNumber reads a float, numeric or money text. Money's currency
// symbol and group separators are dropped.
func parseNumber(v []byte, lenient bool) (float64, bool) {
	s := string(v)
	f, err := strconv.ParseFloat(s, 64)
	if err == nil || !lenient {
		return f, err == nil
	}
	neg := false
	var b []byte
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9' || c == '.':
			b = append(b, c)
		case c == '-' || c == '(':
			neg = true
		}
	}
	f, err = strconv.ParseFloat(string(b), 64)
	if neg {
		f = -f
	}
	return f, err == nil
}

// compareDecimal orders two plain decimal texts exactly ("-12.50" …), for
// numerics beyond float64's precision; other texts compare as text.
func compareDecimal(a, b []byte) int {
	split := func(v []byte) (neg bool, ip, fp []byte, ok bool) {
		if len(v) > 0 && v[0] == '-' {
			neg, v = true, v[1:]
		}
		ip, fp, _ = bytes.Cut(v, []byte{'.'})
		for _, c := range ip {
			if c < '0' || c > '9' {
				return
			}
		}
		ip = bytes.TrimLeft(ip, "0")
		fp = bytes.TrimRight(fp, "0")
		return neg, ip, fp, true
	}
	an, ai, af, aok := split(a)
	bn, bi, bf, bok := split(b)
	if !aok || !bok {
		return compareText(a, b)
	}
	if an != bn {
		if an {
			return -1
		}
		return 1
	}
	r := cmpOrdered(int64(len(ai)), int64(len(bi)))
	if r == 0 {
		r = bytes.Compare(ai, bi)
	}
	if r == 0 {
		r = bytes.Compare(af, bf)
	}
	if an {
		r = -r
	}
	return r
}

// parseTime reads a date, time or timestamp in ISO DateStyle
// ("2024-02-29 23:59:59.123456+05:30", "1999-01-08 BC", "04:05:06",
// "infinity") as microseconds since 2000-01-01 (times as of that day).
func parseTime(v []byte) (float64, bool) {
	switch string(v) {
	case "infinity":
		return math.Inf(1), true
	case "-infinity":
		return math.Inf(-1), true
	}
	p := timeParser{s: v}
	var days int64
	bc := bytes.HasSuffix(v, []byte(" BC"))
	if bc {
		p.s = v[:len(v)-3]
	}
	if len(p.s) >= 8 && p.s[2] != ':' { // a date first
		y, ok1 := p.int('-')
		m, ok2 := p.int('-')
		d, ok3 := p.digits()
		if !ok1 || !ok2 || !ok3 {
			return 0, false
		}
		if bc {
			y = 1 - y
		}
		days = daysFromCivil(y, m, d)
		if p.i < len(p.s) && p.s[p.i] == ' ' {
			p.i++
		} else if p.i == len(p.s) {
			return float64(days) * 86400e6, true
		}
	}
	h, ok1 := p.int(':')
	mi, ok2 := p.int(':')
	sec, ok3 := p.digits()
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	micros := float64(((days*24+h)*60+mi)*60+sec) * 1e6
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		scale := 1e5 // the first digit after the point is 100,000 µs
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			micros += float64(p.s[p.i]-'0') * scale
			scale /= 10
			p.i++
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
		sign := int64(1)
		if p.s[p.i] == '-' {
			sign = -1
		}
		p.i++
		oh, ok := p.digits()
		if !ok {
			return 0, false
		}
		var om, os int64
		if p.i < len(p.s) && p.s[p.i] == ':' {
			p.i++
			om, _ = p.digits()
		}
		if p.i < len(p.s) && p.s[p.i] == ':' {
			p.i++
			os, _ = p.digits()
		}
		micros -= float64(sign*((oh*60+om)*60+os)) * 1e6
	}
	return micros, p.i == len(p.s)
}

type timeParser struct {
	s []byte
	i int
}

// digits reads a run of digits.
func (p *timeParser) digits() (int64, bool) {
	start := p.i
	var n int64
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' && p.i-start < 18 {
		n = n*10 + int64(p.s[p.i]-'0')
		p.i++
	}
	return n, p.i > start
}

// int reads digits followed by sep.
func (p *timeParser) int(sep byte) (int64, bool) {
	n, ok := p.digits()
	if !ok || p.i >= len(p.s) || p.s[p.i] != sep {
		return 0, false
	}
	p.i++
	return n, true
}

// daysFromCivil is the number of days from 2000-01-01 to y-m-d in the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468 - 10957
}

// parseInterval reads an interval in the postgres IntervalStyle ("1 year
// 2 mons -3 days +04:05:06.7") as microseconds, a month being 30 days and
// a day 24 hours, as PostgreSQL orders intervals.
func parseInterval(v []byte) (float64, bool) {
	fields := bytes.Fields(v)
	var total float64
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if bytes.IndexByte(f, ':') >= 0 {
			sign := 1.0
			if f[0] == '-' || f[0] == '+' {
				if f[0] == '-' {
					sign = -1
				}
				f = f[1:]
			}
			parts := bytes.Split(f, []byte{':'})
			unit := 3600e6
			for _, part := range parts {
				n, err := strconv.ParseFloat(string(part), 64)
				if err != nil {
					return 0, false
				}
				total += sign * n * unit
				unit /= 60
			}
			continue
		}
		n, err := strconv.ParseFloat(string(f), 64)
		if err != nil || i+1 >= len(fields) {
			return 0, false
		}
		i++
		switch string(bytes.TrimSuffix(fields[i], []byte("s"))) {
		case "year":
			total += n * 12 * 30 * 86400e6
		case "mon":
			total += n * 30 * 86400e6
		case "day":
			total += n * 86400e6
		default:
			return 0, false
		}
	}
	return total, true
}

// plainDecimal reports whether v is a plain decimal (an optional '-',
// digits, an optional '.' and digits; at least one digit) and how many
// integer digits it has without leading zeros.
func plainDecimal(v []byte) (intDigits int, plain bool) {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	ip, fp, _ := bytes.Cut(v, []byte{'.'})
	if len(ip)+len(fp) == 0 {
		return 0, false
	}
	for _, part := range [][]byte{ip, fp} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
	}
	return len(bytes.TrimLeft(ip, "0")), true
}
