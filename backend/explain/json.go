package explain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// value is a decoded JSON value that keeps the order of object members,
// which EXPLAIN's output relies on (the details pane lists a node's
// properties as the server wrote them). encoding/json's streaming Token API
// keeps order too but reads a 1,000-node VERBOSE plan ten times slower.
type value struct {
	kind byte   // 's' string, 'n' number, 't' true, 'f' false, 'z' null, 'a' array, 'o' object
	str  string // a string's text, a number as written
	// kids are an object's members or an array's items (with empty keys).
	kids []member
}

type member struct {
	key string
	val value
}

// get returns the member key of an object, or a null value.
func (v *value) get(key string) value {
	if v.kind != 'o' {
		return value{kind: 'z'}
	}
	for i := range v.kids {
		if v.kids[i].key == key {
			return v.kids[i].val
		}
	}
	return value{kind: 'z'}
}

// number is v as a float: numbers, and strings that hold one; else 0.
func (v value) number() float64 {
	if v.kind == 'n' || v.kind == 's' {
		f, _ := strconv.ParseFloat(v.str, 64)
		return f
	}
	return 0
}

// display renders v as text: strings as they are, lists joined by ", ",
// objects as compact JSON, numbers as written.
func (v value) display() string {
	switch v.kind {
	case 's':
		return v.str
	case 'n':
		return v.str
	case 't':
		return "true"
	case 'f':
		return "false"
	case 'z':
		return "null"
	case 'a':
		parts := make([]string, len(v.kids))
		for i, it := range v.kids {
			parts[i] = it.val.display()
		}
		return strings.Join(parts, ", ")
	}
	var b strings.Builder
	v.compact(&b)
	return b.String()
}

func (v value) compact(b *strings.Builder) {
	switch v.kind {
	case 's':
		b.WriteString(strconv.Quote(v.str))
	case 'a':
		b.WriteByte('[')
		for i, it := range v.kids {
			if i > 0 {
				b.WriteByte(',')
			}
			it.val.compact(b)
		}
		b.WriteByte(']')
	case 'o':
		b.WriteByte('{')
		for i, f := range v.kids {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(f.key))
			b.WriteByte(':')
			f.val.compact(b)
		}
		b.WriteByte('}')
	default:
		b.WriteString(v.display())
	}
}

// maxDepth bounds the nesting decodeJSON follows (plans the server makes
// are far shallower).
const maxDepth = 10_000

// decodeJSON parses one JSON document.
func decodeJSON(data []byte) (value, error) {
	d := decoder{s: data}
	v, err := d.value(0)
	if err != nil {
		return value{}, err
	}
	d.space()
	if d.i != len(d.s) {
		return value{}, d.fail("unexpected data after the document")
	}
	return v, nil
}

type decoder struct {
	s []byte
	i int
}

func (d *decoder) fail(msg string) error {
	return fmt.Errorf("at byte %d: %s", d.i, msg)
}

func (d *decoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (value, error) {
	if depth > maxDepth {
		return value{}, errors.New("nested too deeply")
	}
	d.space()
	if d.i >= len(d.s) {
		return value{}, d.fail("unexpected end")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		d.i++
		v := value{kind: 'o'}
		d.space()
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return v, nil
		}
		for {
			d.space()
			key, err := d.string()
			if err != nil {
				return value{}, err
			}
			d.space()
			if d.i >= len(d.s) || d.s[d.i] != ':' {
				return value{}, d.fail("expected ':'")
			}
			d.i++
			val, err := d.value(depth + 1)
			if err != nil {
				return value{}, err
			}
			v.kids = append(v.kids, member{key, val})
			d.space()
			if d.i < len(d.s) && d.s[d.i] == ',' {
				d.i++
				continue
			}
			if d.i < len(d.s) && d.s[d.i] == '}' {
				d.i++
				return v, nil
			}
			return value{}, d.fail("expected ',' or '}'")
		}
	case c == '[':
		d.i++
		v := value{kind: 'a'}
		d.space()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return v, nil
		}
		for {
			it, err := d.value(depth + 1)
			if err != nil {
				return value{}, err
			}
			v.kids = append(v.kids, member{val: it})
			d.space()
			if d.i < len(d.s) && d.s[d.i] == ',' {
				d.i++
				continue
			}
			if d.i < len(d.s) && d.s[d.i] == ']' {
				d.i++
				return v, nil
			}
			return value{}, d.fail("expected ',' or ']'")
		}
	case c == '"':
		s, err := d.string()
		return value{kind: 's', str: s}, err
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]struct {
			text string
			kind byte
		}{{"true", 't'}, {"false", 'f'}, {"null", 'z'}} {
			if len(d.s)-d.i >= len(lit.text) && string(d.s[d.i:d.i+len(lit.text)]) == lit.text {
				d.i += len(lit.text)
				return value{kind: lit.kind}, nil
			}
		}
		return value{}, d.fail("invalid literal")
	default:
		start := d.i
		for d.i < len(d.s) && strings.IndexByte("+-0123456789.eE", d.s[d.i]) >= 0 {
			d.i++
		}
		text := string(d.s[start:d.i])
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			d.i = start
			return value{}, d.fail("invalid value")
		}
		return value{kind: 'n', str: text}, nil
	}
}

// string reads a JSON string at d.i.
func (d *decoder) string() (string, error) {
	if d.i >= len(d.s) || d.s[d.i] != '"' {
		return "", d.fail("expected a string")
	}
	d.i++
	start := d.i
	for d.i < len(d.s) {
		switch c := d.s[d.i]; {
		case c == '"':
			s := string(d.s[start:d.i])
			d.i++
			return s, nil
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			return "", d.fail("control character in a string")
		default:
			d.i++
		}
	}
	return "", d.fail("unterminated string")
}

// escaped finishes a string that has escapes, from d.i at the first one.
func (d *decoder) escaped(start int) (string, error) {
	b := append([]byte(nil), d.s[start:d.i]...)
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return string(b), nil
		case c != '\\':
			b = append(b, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.s) {
			break
		}
		e := d.s[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				save := d.i
				if d.i+1 < len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
					d.i += 2
					if r2, ok := d.hex4(); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							b = utf8.AppendRune(b, dec)
							continue
						}
					}
				}
				d.i = save
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", d.fail("invalid escape")
		}
	}
	return "", d.fail("unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.s[d.i:d.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(n), true
}
