package resultset

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/tusk-app/tusk/backend/ident"
)

// Type OIDs the exports treat specially (pg_type.oid, stable across versions).
const (
	oidBool    = 16
	oidBytea   = 17
	oidInt8    = 20
	oidInt2    = 21
	oidInt4    = 23
	oidOID     = 26
	oidJSON    = 114
	oidFloat4  = 700
	oidFloat8  = 701
	oidNumeric = 1700
	oidJSONB   = 3802
)

// isNumber reports whether values of type oid print as numbers (or as
// NaN/Infinity, which isJSONNumber rejects).
func isNumber(oid uint32) bool {
	switch oid {
	case oidInt2, oidInt4, oidInt8, oidOID, oidFloat4, oidFloat8, oidNumeric:
		return true
	}
	return false
}

// CSVOptions tunes ExportCSV. The zero value writes comma-separated rows
// without a header, NULL as an empty field, lines ended by "\n".
type CSVOptions struct {
	// Header writes the column names as the first record.
	Header bool
	// Delimiter separates fields; 0 means ','. It must not be '"', '\r' or '\n'.
	Delimiter rune
	// NullAs is written for SQL NULL. An empty string value is written as ""
	// (quoted) when NullAs is empty, so NULL and '' stay distinguishable, as
	// in PostgreSQL's COPY … CSV.
	NullAs string
	// CRLF ends records with "\r\n" (RFC 4180) instead of "\n".
	CRLF bool
}

// exportBufSize is the buffer between the exports and the io.Writer.
const exportBufSize = 64 << 10

// export runs fn on every row that exists when it starts (a running query's
// later rows are not exported), stopping when ctx is cancelled.
// With a view in force (SetView) it exports the rows the view shows, in
// its order, and the columns it names.
func (s *Set) export(ctx context.Context, o *order, w io.Writer, head func(*bufio.Writer) error,
	row func(bw *bufio.Writer, n int64, vals [][]byte) error, tail func(*bufio.Writer, int64) error) error {
	bw := bufio.NewWriterSize(w, exportBufSize)
	if err := head(bw); err != nil {
		return err
	}
	var n int64
	total := s.Len()
	if o != nil && o.rows != nil {
		total = int64(len(o.rows))
	}
	project := o.projection()
	err := s.scanShown(o, 0, total, ctx.Err, nil, func(_ int64, vals [][]byte) error {
		if err := row(bw, n, project(vals)); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if err := tail(bw, n); err != nil {
		return err
	}
	return bw.Flush()
}

// ExportCSV writes the rows as CSV (RFC 4180 quoting: a field holding the
// delimiter, a quote, CR or LF, or starting with a space, is quoted with
// quotes doubled). Values are the PostgreSQL text forms, bytea as \x… hex.
// Like every export it streams from the store without re-running the query
// and writes the rows present when it starts: on a running set a prefix.
// It returns ctx.Err() when ctx is cancelled and the first write error.
func (s *Set) ExportCSV(ctx context.Context, w io.Writer, opts CSVOptions) error {
	delim := opts.Delimiter
	if delim == 0 {
		delim = ','
	}
	if delim == '"' || delim == '\r' || delim == '\n' || !utf8.ValidRune(delim) {
		return fmt.Errorf("resultset: invalid CSV delimiter %q", delim)
	}
	var d [utf8.UTFMax]byte
	dl := utf8.EncodeRune(d[:], delim)
	eol := "\n"
	if opts.CRLF {
		eol = "\r\n"
	}
	field := func(bw *bufio.Writer, v []byte, null bool) {
		if null {
			bw.WriteString(opts.NullAs)
			return
		}
		quote := (len(v) == 0 && opts.NullAs == "") ||
			(len(v) > 0 && v[0] == ' ') ||
			bytes.Contains(v, d[:dl]) || bytes.ContainsAny(v, "\"\r\n") ||
			(opts.NullAs != "" && string(v) == opts.NullAs)
		if !quote {
			bw.Write(v)
			return
		}
		bw.WriteByte('"')
		for {
			i := bytes.IndexByte(v, '"')
			if i < 0 {
				break
			}
			bw.Write(v[:i+1])
			bw.WriteByte('"')
			v = v[i+1:]
		}
		bw.Write(v)
		bw.WriteByte('"')
	}
	o, columns := s.exportView()
	return s.export(ctx, o, w,
		func(bw *bufio.Writer) error {
			if !opts.Header {
				return nil
			}
			for i, c := range columns {
				if i > 0 {
					bw.Write(d[:dl])
				}
				field(bw, []byte(c.Name), false)
			}
			_, err := bw.WriteString(eol)
			return err
		},
		func(bw *bufio.Writer, _ int64, vals [][]byte) error {
			for i, v := range vals {
				if i > 0 {
					bw.Write(d[:dl])
				}
				field(bw, v, v == nil)
			}
			_, err := bw.WriteString(eol)
			return err
		},
		func(*bufio.Writer, int64) error { return nil })
}

// ExportJSON writes the rows as a JSON array of objects keyed by column
// name, in column order (a duplicate column name gives a duplicate key).
// NULL is null; bool is true/false; int2, int4, int8, oid, float4, float8
// and numeric are JSON numbers when their text is one (NaN and Infinity are
// strings, and numbers keep every digit, beyond float64 precision); json
// and jsonb are embedded as JSON; everything else is its text as a string.
// See ExportCSV for what is exported from a running set.
func (s *Set) ExportJSON(ctx context.Context, w io.Writer) error {
	o, columns := s.exportView()
	keys := make([][]byte, len(columns))
	for i, c := range columns {
		k := appendJSONString(nil, []byte(c.Name))
		keys[i] = append(k, ':')
	}
	var buf []byte
	return s.export(ctx, o, w,
		func(bw *bufio.Writer) error { _, err := bw.WriteString("["); return err },
		func(bw *bufio.Writer, n int64, vals [][]byte) error {
			buf = buf[:0]
			if n > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, "\n{"...)
			for i, v := range vals {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, keys[i]...)
				buf = appendJSONValue(buf, columns[i].TypeOID, v)
			}
			buf = append(buf, '}')
			_, err := bw.Write(buf)
			return err
		},
		func(bw *bufio.Writer, n int64) error {
			if n > 0 {
				bw.WriteByte('\n')
			}
			_, err := bw.WriteString("]\n")
			return err
		})
}

func appendJSONValue(buf []byte, oid uint32, v []byte) []byte {
	switch {
	case v == nil:
		return append(buf, "null"...)
	case oid == oidBool && len(v) == 1 && v[0] == 't':
		return append(buf, "true"...)
	case oid == oidBool && len(v) == 1 && v[0] == 'f':
		return append(buf, "false"...)
	case isNumber(oid) && isJSONNumber(v):
		return append(buf, v...)
	case (oid == oidJSON || oid == oidJSONB) && json.Valid(v):
		return append(buf, bytes.TrimSpace(v)...)
	}
	return appendJSONString(buf, v)
}

// isJSONNumber reports whether v is a number in JSON's grammar.
func isJSONNumber(v []byte) bool {
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	switch {
	case i < len(v) && v[i] == '0':
		i++
	case i < len(v) && v[i] >= '1' && v[i] <= '9':
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		d := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		d := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	return i == len(v)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends v as a JSON string: quotes, backslashes and
// control characters escaped, U+2028/U+2029 escaped for JavaScript, invalid
// UTF-8 replaced by U+FFFD.
func appendJSONString(buf, v []byte) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(v); {
		b := v[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			buf = append(buf, v[start:i]...)
			switch b {
			case '"', '\\':
				buf = append(buf, '\\', b)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(v[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, v[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, v[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, v[start:]...)
	return append(buf, '"')
}

// ExportSQL writes one INSERT statement per row:
//
//	INSERT INTO "Table" (col, …) VALUES (…);
//
// table is one identifier (a schema-qualified name is not split); it and the
// column names are quoted by ident.Quote, so only when they need it.
// NULL is NULL; numbers of the numeric types are unquoted when their text
// is a plain number (float -0, NaN and ±Infinity are quoted); bytea is '\x…'::bytea; everything else is a string
// literal with ' doubled, which the server coerces to the target column's
// type. Backslashes are written as is: the script needs
// standard_conforming_strings = on (the default since PostgreSQL 9.1).
// See ExportCSV for what is exported from a running set.
func (s *Set) ExportSQL(ctx context.Context, w io.Writer, table string) error {
	if table == "" {
		return fmt.Errorf("resultset: export sql: empty table name")
	}
	var prefix []byte
	prefix = append(prefix, "INSERT INTO "...)
	prefix = appendIdent(prefix, table)
	prefix = append(prefix, " ("...)
	o, columns := s.exportView()
	for i, c := range columns {
		if i > 0 {
			prefix = append(prefix, ", "...)
		}
		prefix = appendIdent(prefix, c.Name)
	}
	prefix = append(prefix, ") VALUES ("...)
	var buf []byte
	return s.export(ctx, o, w,
		func(*bufio.Writer) error { return nil },
		func(bw *bufio.Writer, _ int64, vals [][]byte) error {
			buf = append(buf[:0], prefix...)
			for i, v := range vals {
				if i > 0 {
					buf = append(buf, ", "...)
				}
				buf = appendSQLValue(buf, columns[i].TypeOID, v)
			}
			buf = append(buf, ");\n"...)
			_, err := bw.Write(buf)
			return err
		},
		func(*bufio.Writer, int64) error { return nil })
}

func appendSQLValue(buf []byte, oid uint32, v []byte) []byte {
	switch {
	case v == nil:
		return append(buf, "NULL"...)
	case isNumber(oid) && isJSONNumber(v) && !negativeZero(oid, v):
		return append(buf, v...)
	case oid == oidBytea:
		return append(appendLiteral(buf, v), "::bytea"...)
	}
	return appendLiteral(buf, v)
}

// negativeZero reports a float -0, which an unquoted constant would turn
// into 0 (it is read as a numeric).
func negativeZero(oid uint32, v []byte) bool {
	return (oid == oidFloat4 || oid == oidFloat8) && string(v) == "-0"
}

// appendLiteral appends v as a standard SQL string literal.
func appendLiteral(buf, v []byte) []byte {
	buf = append(buf, '\'')
	for {
		i := bytes.IndexByte(v, '\'')
		if i < 0 {
			break
		}
		buf = append(buf, v[:i+1]...)
		buf = append(buf, '\'')
		v = v[i+1:]
	}
	buf = append(buf, v...)
	return append(buf, '\'')
}

// appendIdent appends name as an identifier, quoted when it needs to be.
func appendIdent(buf []byte, name string) []byte {
	return append(buf, ident.Quote(name)...)
}
