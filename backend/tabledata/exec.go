package tabledata

import (
	"context"
	"errors"
	"fmt"
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

// probeValues checks that every value is valid input for its type, with one
// `SELECT $1::type` per value sent in one round trip (each in its own
// implicit transaction, so one failure does not hide the next). It returns
// a Validation error naming each rejected field, nil when all are valid.
// The server's own input functions decide, so every type — enums, domains,
// ranges, arrays, extension types — is judged exactly as the statement
// would judge it, in the session's DateStyle and locale.
func probeValues(ctx context.Context, pg *pgconn.PgConn, probes []probe) error {
	if len(probes) == 0 {
		return nil
	}
	p := pg.StartPipeline(ctx)
	for _, pr := range probes {
		p.SendQueryParams("SELECT $1::"+pr.typ, [][]byte{[]byte(pr.value)}, nil, nil, nil)
		p.SendPipelineSync()
	}
	var fields []apperr.FieldError
	fatal := p.Flush()
	for _, pr := range probes {
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
			fields = append(fields, apperr.FieldError{Field: pr.field, Message: pe.Message})
		}
		if _, err := p.GetResults(); err != nil { // this probe's sync
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				fatal = err
				break
			}
		}
	}
	if cerr := p.Close(); fatal == nil && cerr != nil {
		fatal = cerr
	}
	if fatal != nil {
		return fmt.Errorf("check the values: %w", fatal)
	}
	if len(fields) > 0 {
		return apperr.ValidationError(fields...)
	}
	return nil
}
