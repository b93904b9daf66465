package tabledata

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/ident"
)

// pipelineChunk is how many statements Commit sends per round trip.
const pipelineChunk = 256

// CommittedRow is a row as the server stored it (RETURNING *): defaults,
// generated columns and trigger changes included. Row has one cell per
// Relation column.
type CommittedRow struct {
	Change   int        `json:"change"`
	ChangeID string     `json:"changeId"`
	Kind     ChangeKind `json:"kind"`
	Row      []*string  `json:"row"`
}

// Failure says why a commit applied nothing.
type Failure struct {
	// Change is the index of the change whose statement failed, -1 when
	// the failure is the COMMIT itself (a deferred constraint, a
	// serialization failure) or happened before any statement.
	Change   int        `json:"change"`
	ChangeID string     `json:"changeId"`
	Kind     ChangeKind `json:"kind"`
	// Column names the cell that failed when the server (or the shape of
	// the statement) tells which; "" for the whole row.
	Column string `json:"column"`
	// Conflict reports that the row was not as loaded: another session
	// changed one of the compared columns or deleted it since. Current is
	// then the row as it is now (one cell per Relation column), nil with
	// Deleted when it is gone.
	Conflict bool      `json:"conflict"`
	Deleted  bool      `json:"deleted"`
	Current  []*string `json:"current"`
	// Message says what happened, for the user; Error is the server's
	// error (nil for a conflict).
	Message string            `json:"message"`
	Error   *apperr.ErrorInfo `json:"error"`
}

// CommitResult is the outcome of Commit: either every change was applied
// (Committed, with the touched rows re-read) or none was (Failure).
type CommitResult struct {
	Committed bool           `json:"committed"`
	Rows      []CommittedRow `json:"rows"`
	Failure   *Failure       `json:"failure"`
	// Statements is the number of statements that ran; RoundTrips how many
	// round trips they took (BEGIN and COMMIT included).
	Statements int     `json:"statements"`
	RoundTrips int     `json:"roundTrips"`
	ElapsedMs  float64 `json:"elapsedMs"`
}

// Review plans changes and checks every value against its column's type
// on the server (one round trip; nothing is written): the plan to show the
// user, or a Validation error naming each rejected field.
func (r *Relation) Review(ctx context.Context, c Conn, changes []Change) (*Plan, error) {
	p, err := r.Plan(changes)
	if err != nil {
		return nil, err
	}
	if err := probeValues(ctx, c.PgConn(), p.probes); err != nil {
		return nil, err
	}
	return p, nil
}

// Commit applies changes in one transaction on c, which must not be in a
// transaction (use a connection of its own, not an editor tab's session).
// Values are checked first (see Review). Then BEGIN, the statements in
// order (pipelined, pipelineChunk per round trip), and COMMIT — unless a
// statement fails or touches no row (the row changed or went away since it
// was loaded), in which case everything is rolled back and the result says
// which change failed and why; a conflict carries the row's current
// values. Errors are returned only when the changes could not be tried
// (invalid changes, a broken connection).
func (r *Relation) Commit(ctx context.Context, c Conn, changes []Change) (CommitResult, error) {
	start := time.Now()
	p, err := r.Review(ctx, c, changes)
	if err != nil {
		return CommitResult{}, err
	}
	res := r.commitPlan(ctx, c.PgConn(), p)
	res.ElapsedMs = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}

func (r *Relation) commitPlan(ctx context.Context, pg *pgconn.PgConn, p *Plan) CommitResult {
	res := CommitResult{Rows: []CommittedRow{}}
	if pg.TxStatus() != 'I' {
		info := apperr.Info(apperr.New(apperr.Internal, "the connection is already in a transaction"))
		res.Failure = &Failure{Change: -1, Message: info.Message, Error: &info}
		return res
	}
	sts := p.Statements
	for start := 0; start < len(sts) || start == 0; start += pipelineChunk {
		end := min(start+pipelineChunk, len(sts))
		pl := pg.StartPipeline(ctx)
		if start == 0 {
			pl.SendQueryParams("BEGIN", nil, nil, nil, nil)
		}
		for _, s := range sts[start:end] {
			pl.SendQueryParams(s.SQL, s.Args, nil, nil, nil)
		}
		n := end - start
		if start == 0 {
			n++
		}
		var out []result
		err := pl.Sync()
		if err == nil {
			out, err = readPipeline(pl, n)
		}
		if cerr := pl.Close(); err == nil {
			err = cerr
		}
		res.RoundTrips++
		if start == 0 && len(out) > 0 {
			out = out[1:]
		}
		if f := r.check(sts[start:end], out, err, &res); f != nil {
			rollback(pg)
			res.Rows = []CommittedRow{}
			res.Failure = f
			if f.Conflict {
				r.readCurrent(ctx, pg, p, f)
			}
			return res
		}
		if end == len(sts) {
			break
		}
	}
	if err := pg.Exec(ctx, "COMMIT").Close(); err != nil {
		rollback(pg)
		res.RoundTrips++
		res.Rows = []CommittedRow{}
		info := apperr.Info(err)
		res.Failure = &Failure{Change: -1, Message: "the transaction could not commit: " + info.Message, Error: &info}
		return res
	}
	res.RoundTrips++
	res.Committed = true
	return res
}

// check reads the results of a chunk of statements: the first that failed
// or touched other than one row is the failure (nil when all went well).
func (r *Relation) check(sts []Statement, out []result, err error, res *CommitResult) *Failure {
	for i, s := range sts {
		if i >= len(out) {
			break
		}
		o := out[i]
		if o.err == nil && o.rows == nil && o.affected == 0 && err != nil {
			break // skipped after an earlier error
		}
		res.Statements++
		f := &Failure{Change: s.Change, ChangeID: s.ChangeID, Kind: s.Kind}
		switch {
		case o.err != nil:
			info := apperr.Info(o.err)
			f.Error = &info
			f.Column = s.column
			var pe *pgconn.PgError
			if errors.As(o.err, &pe) && pe.ColumnName != "" {
				f.Column = pe.ColumnName
			}
			f.Message = fmt.Sprintf("%s of change %s failed: %s", s.Kind, changeName(s), info.Message)
			return f
		case o.affected == 0 && s.Kind != ChangeInsert:
			f.Conflict = true
			f.Message = fmt.Sprintf("the row of change %s is no longer as it was loaded: someone changed or deleted it since", changeName(s))
			return f
		case o.affected != 1:
			f.Message = fmt.Sprintf("%s of change %s touched %d rows instead of one", s.Kind, changeName(s), o.affected)
			return f
		}
		if s.Kind != ChangeDelete && len(o.rows) == 1 {
			res.Rows = append(res.Rows, CommittedRow{Change: s.Change, ChangeID: s.ChangeID, Kind: s.Kind, Row: o.rows[0]})
		}
	}
	if err != nil {
		info := apperr.Info(err)
		return &Failure{Change: -1, Message: "the changes could not be sent: " + info.Message, Error: &info}
	}
	return nil
}

func changeName(s Statement) string {
	if s.ChangeID != "" {
		return fmt.Sprintf("%q", s.ChangeID)
	}
	return fmt.Sprintf("#%d", s.Change)
}

// readCurrent reads the row a conflicting change was meant for, by its key
// as loaded, so the user sees what is on the server now.
func (r *Relation) readCurrent(ctx context.Context, pg *pgconn.PgConn, p *Plan, f *Failure) {
	row, found, err := r.rowByKey(ctx, pg, p.old[f.Change])
	if err != nil {
		f.Message += " (its current values could not be read: " + apperr.Info(err).Message + ")"
		return
	}
	f.Deleted = !found
	f.Current = row
	if f.Deleted {
		f.Message = fmt.Sprintf("the row of change %s was deleted by someone else since it was loaded", quoteID(f))
	}
}

func quoteID(f *Failure) string {
	if f.ChangeID != "" {
		return fmt.Sprintf("%q", f.ChangeID)
	}
	return fmt.Sprintf("#%d", f.Change)
}

// rowByKey reads one row by its key values.
func (r *Relation) rowByKey(ctx context.Context, pg *pgconn.PgConn, key map[string]*string) ([]*string, bool, error) {
	s := &stmt{}
	s.w("SELECT ")
	for i, c := range r.Columns {
		if i > 0 {
			s.w(", ")
		}
		s.w(ident.Quote(c.Name))
	}
	s.w(" FROM ", r.Qualified(), " WHERE ")
	for i, k := range r.Key {
		if i > 0 {
			s.w(" AND ")
		}
		col, _ := r.Column(k)
		s.w(ident.Quote(k), " = ")
		s.p(key[k], col.numeric())
		if col.baseType == "c" {
			s.w("::", col.castType)
		}
	}
	res, err := readOnly(ctx, pg, s)
	if err != nil {
		return nil, false, err
	}
	if len(res[0].rows) == 0 {
		return nil, false, nil
	}
	return res[0].rows[0], true, nil
}
