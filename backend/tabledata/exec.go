package tabledata

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
)

// result is what one statement returned: rows in text format (nil cell =
// NULL) and the number of rows it touched.
type result struct {
	rows     [][]*string
	affected int64
	err      error
}

// readOnly runs stmts in one read-only transaction, in one round trip
// (BEGIN READ ONLY, the statements, COMMIT in a pipeline), so browsing never
// writes even when a raw filter calls a function that would. It returns the
// first error.
func readOnly(ctx context.Context, pg *pgconn.PgConn, stmts ...*stmt) ([]result, error) {
	p := pg.StartPipeline(ctx)
	p.SendQueryParams("BEGIN TRANSACTION READ ONLY", nil, nil, nil, nil)
	for _, s := range stmts {
		p.SendQueryParams(s.SQL(), s.args, nil, nil, nil)
	}
	p.SendQueryParams("COMMIT", nil, nil, nil, nil)
	var out []result
	err := p.Sync()
	if err == nil {
		out, err = readPipeline(p, len(stmts)+2)
	}
	if cerr := p.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		for i, r := range out[1 : len(out)-1] {
			if r.err != nil {
				err = &stmtError{stmt: stmts[i], err: r.err}
				break
			}
		}
	} else {
		for i, r := range out {
			if r.err != nil && i > 0 && i <= len(stmts) {
				err = &stmtError{stmt: stmts[i-1], err: r.err}
				break
			}
		}
	}
	if err != nil {
		rollback(pg)
		return nil, err
	}
	return out[1 : len(out)-1], nil
}

// stmtError is a statement's error, with the statement.
type stmtError struct {
	stmt *stmt
	err  error
}

func (e *stmtError) Error() string { return e.err.Error() }
func (e *stmtError) Unwrap() error { return e.err }

// rawFilterError points a server error located in a raw filter condition
// into the condition's text: Position (1-based characters) then counts from
// the start of what the user typed, and the error names the field
// "filter.sql".
func rawFilterError(err error) error {
	var se *stmtError
	if !errors.As(err, &se) || se.stmt.rawAt == 0 {
		return err
	}
	e := apperr.Classify(err)
	if e.Pg == nil || e.Pg.Position < se.stmt.rawAt || e.Pg.Position > se.stmt.rawAt+se.stmt.rawLen {
		return err
	}
	pg := *e.Pg
	pg.Position -= se.stmt.rawAt - 1
	c := *e
	c.Pg = &pg
	c.Fields = []apperr.FieldError{{Field: "filter.sql", Message: pg.Message}}
	return &c
}

// readPipeline reads n statement results and the final sync. A statement
// skipped after an earlier error has a nil result with no error.
func readPipeline(p *pgconn.Pipeline, n int) ([]result, error) {
	out := make([]result, 0, n)
	var first error
	for len(out) < n {
		res, err := p.GetResults()
		if err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) { // the statement failed: the rest is skipped up to the sync
				out = append(out, result{err: err})
				if first == nil {
					first = err
				}
				continue
			}
			return nil, err
		}
		switch rr := res.(type) {
		case *pgconn.ResultReader:
			out = append(out, readResult(rr))
			if last := out[len(out)-1]; last.err != nil && first == nil {
				first = last.err
			}
		case *pgconn.PipelineSync:
			for len(out) < n { // statements skipped after an error
				out = append(out, result{})
			}
			return out, nil
		case nil:
			for len(out) < n {
				out = append(out, result{})
			}
			return out, nil
		}
	}
	if _, err := p.GetResults(); err != nil { // the sync
		return nil, err
	}
	return out, first
}

func readResult(rr *pgconn.ResultReader) result {
	var r result
	for rr.NextRow() {
		vals := rr.Values()
		row := make([]*string, len(vals))
		for i, v := range vals {
			if v != nil {
				s := string(v)
				row[i] = &s
			}
		}
		r.rows = append(r.rows, row)
	}
	tag, err := rr.Close()
	r.affected, r.err = tag.RowsAffected(), err
	return r
}

// rollback ends a transaction left open by a failed pipeline; a connection
// that cannot even do that is closed, so the pool never reuses it.
func rollback(pg *pgconn.PgConn) {
	if pg.IsClosed() || pg.TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := pg.Exec(ctx, "ROLLBACK").Close(); err != nil {
		_ = pg.Close(ctx)
	}
}

// anyText are the types whose input accepts every text (their length
// modifiers are checked by lengthError): probing them proves nothing.
var anyText = map[string]bool{"text": true, "character varying": true, "bpchar": true, "name": true, `"char"`: true}

// probeChunk is how many values one probe statement checks.
const probeChunk = 500

// probeValues checks that every value is valid input for its type, on the
// server, so that enums, domains, ranges, arrays and extension types are
// judged exactly as the statement would judge them, in the session's
// DateStyle and locale. Values go in chunks, one `SELECT $1::t1, $2::t2, …`
// per chunk, pipelined in one round trip; only a chunk that fails is probed
// again value by value (one `SELECT $1::t` each, each in its own implicit
// transaction, again one round trip) to name every rejected field. It
// returns a Validation error naming them, nil when all are valid.
func probeValues(ctx context.Context, pg *pgconn.PgConn, probes []probe) error {
	var need []probe
	for _, p := range probes {
		if !anyText[p.typ] {
			need = append(need, p)
		}
	}
	if len(need) == 0 {
		return nil
	}
	var chunks [][]probe
	for len(need) > 0 {
		n := min(len(need), probeChunk)
		chunks = append(chunks, need[:n])
		need = need[n:]
	}
	failed, err := runProbes(ctx, pg, chunks, func(ch []probe) (string, [][]byte) {
		var b strings.Builder
		args := make([][]byte, len(ch))
		b.WriteString("SELECT ")
		for i, p := range ch {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d::%s", i+1, p.typ)
			args[i] = []byte(p.value)
		}
		return b.String(), args
	})
	if err != nil || len(failed) == 0 {
		return err
	}
	var single [][]probe
	for _, i := range failed {
		for _, p := range chunks[i] {
			single = append(single, []probe{p})
		}
	}
	bad, err := runProbes(ctx, pg, single, func(ch []probe) (string, [][]byte) {
		return "SELECT $1::" + ch[0].typ, [][]byte{[]byte(ch[0].value)}
	})
	if err != nil {
		return err
	}
	fields := make([]apperr.FieldError, 0, len(bad))
	for _, i := range bad {
		fields = append(fields, apperr.FieldError{Field: single[i][0].field, Message: single[i][0].message})
	}
	if len(fields) == 0 { // the chunk failed but no value alone does
		return fmt.Errorf("check the values: the server rejected them together but not one by one")
	}
	return apperr.ValidationError(fields...)
}

// runProbes sends one statement per group, each followed by a sync, and
// returns the indexes of the groups the server rejected (their message is
// kept in the group's first probe).
func runProbes(ctx context.Context, pg *pgconn.PgConn, groups [][]probe, build func([]probe) (string, [][]byte)) ([]int, error) {
	p := pg.StartPipeline(ctx)
	for _, g := range groups {
		sql, args := build(g)
		p.SendQueryParams(sql, args, nil, nil, nil)
		p.SendPipelineSync()
	}
	var failed []int
	fatal := p.Flush()
	for i := range groups {
		if fatal != nil {
			break
		}
		res, err := p.GetResults()
		if err == nil {
			if rr, ok := res.(*pgconn.ResultReader); ok {
				_, err = rr.Close()
			}
		}
		if err != nil {
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				fatal = err
				break
			}
			groups[i][0].message = pe.Message
			failed = append(failed, i)
		}
		if _, err := p.GetResults(); err != nil { // the group's sync
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				fatal = err
			}
		}
	}
	if cerr := p.Close(); fatal == nil && cerr != nil {
		fatal = cerr
	}
	if fatal != nil {
		return nil, fmt.Errorf("check the values: %w", fatal)
	}
	return failed, nil
}
