package query

import (
	"bytes"
	"context"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/resultset"
)

// CopyStream says which client stream a COPY statement uses.
type CopyStream int

const (
	// CopyNone: not a COPY, or a COPY to or from a server file or program.
	CopyNone CopyStream = iota
	// CopyFromStdin: COPY … FROM STDIN, which waits for data the client
	// sends. The editor has nothing to send, so Execute refuses it.
	CopyFromStdin
	// CopyToStdout: COPY … TO STDOUT, whose data the engine shows as rows
	// of one text column, a line each.
	CopyToStdout
)

// CopyStreamOf returns the client stream of the COPY statement sql (the
// FROM or TO at the top level of the statement, outside the parentheses of
// a column list or a query).
func CopyStreamOf(sql string) CopyStream {
	toks := significant(sql, nil)
	if len(toks) == 0 || !toks[0].IsKeyword("copy") {
		return CopyNone
	}
	depth := 0
	for i := 1; i+1 < len(toks); i++ {
		t := toks[i]
		switch {
		case t.IsPunct("("):
			depth++
		case t.IsPunct(")"):
			depth--
		case depth == 0 && t.IsKeyword("from") && toks[i+1].IsKeyword("stdin"):
			return CopyFromStdin
		case depth == 0 && t.IsKeyword("to") && toks[i+1].IsKeyword("stdout"):
			return CopyToStdout
		}
	}
	return CopyNone
}

// CopyOutputColumn is the one column of a COPY … TO STDOUT result.
var CopyOutputColumn = resultset.Column{Name: "COPY output", TypeOID: 25, TypeName: "text"}

// copyRows receives the data of COPY … TO STDOUT and appends each line to a
// result set as a row (the line without its newline, in the format the
// statement asked for: text, CSV, …). Binary output is kept in chunks as it
// arrives.
type copyRows struct {
	set     *resultset.Set
	partial []byte
	onRow   func()
	err     error
}

func (w *copyRows) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.partial = append(w.partial, p...)
			break
		}
		line := p[:i]
		if len(w.partial) > 0 {
			line = append(w.partial, line...)
			w.partial = w.partial[:0]
		}
		if err := w.set.Append([][]byte{line}); err != nil {
			w.err = err
			return 0, err
		}
		w.onRow()
		p = p[i+1:]
	}
	return n, nil
}

// flush stores a last line without a newline.
func (w *copyRows) flush() error {
	if len(w.partial) == 0 || w.err != nil {
		return w.err
	}
	err := w.set.Append([][]byte{w.partial})
	w.partial = nil
	if err == nil {
		w.onRow()
	}
	return err
}

// copyTo runs COPY … TO STDOUT on pg, storing its lines in set.
func copyTo(ctx context.Context, pg *pgconn.PgConn, sql string, set *resultset.Set, onRow func()) (pgconn.CommandTag, error) {
	w := &copyRows{set: set, onRow: onRow}
	tag, err := pg.CopyTo(ctx, w, sql)
	if ferr := w.flush(); err == nil {
		err = ferr
	}
	return tag, err
}
