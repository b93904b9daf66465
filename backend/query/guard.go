package query

import (
	"fmt"
	"strings"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
)

// Safe-mode fields of a refused request (apperr.FieldError.Field): a
// request refused with FieldConfirmDangerous runs once it is sent again
// with ConfirmDangerous set; one refused with FieldSQL does not run at all.
const (
	FieldConfirmDangerous = "confirmDangerous"
	FieldSQL              = "sql"
)

// Guard is what safe mode says about a request before it runs.
type Guard struct {
	// Mode is the connection's effective safe mode.
	Mode connection.SafeMode `json:"mode"`
	// Action is what Execute will do: "run", "confirm" (it refuses unless
	// the request has ConfirmDangerous) or "block" (it refuses).
	Action string `json:"action"`
	// Dangers are the dangerous statements, located in the editor text.
	Dangers []LocatedDanger `json:"dangers"`
	// Marker and ManualCommit repeat the connection's settings for the UI.
	Marker       connection.Marker `json:"marker"`
	ManualCommit bool              `json:"manualCommit"`
}

// The actions of a Guard.
const (
	GuardRun     = "run"
	GuardConfirm = "confirm"
	GuardBlock   = "block"
)

// LocatedDanger is a Danger with the statement's place in the editor text
// (UTF-16 code units, Request.Offset included).
type LocatedDanger struct {
	Danger
	Start int `json:"start"`
	End   int `json:"end"`
}

// Check says what safe mode will do with req on its connection, without
// running anything: the UI asks first and shows its own confirmation.
// Execute enforces the same decision.
func (e *Engine) Check(req Request) (Guard, error) {
	pool, ok := e.deps.Pool(req.ConnectionID)
	if !ok {
		return Guard{}, apperr.New(apperr.Connection, "the connection is not open").WithHint("Connect first.")
	}
	return e.check(pool.Config().Options, req, statementsOf(req)), nil
}

// statementsOf is what Execute runs of req: the statement at the cursor, or
// all of them.
func statementsOf(req Request) []Statement {
	stmts := Split(req.SQL)
	if req.Cursor != nil {
		if st, ok := StatementAt(req.SQL, byteOffsetOfUTF16(req.SQL, *req.Cursor)); ok {
			stmts = []Statement{st}
		}
	}
	return stmts
}

func (e *Engine) check(opts connection.Options, req Request, stmts []Statement) Guard {
	g := Guard{Mode: opts.EffectiveSafeMode(), Action: GuardRun, Dangers: []LocatedDanger{}, Marker: opts.Marker, ManualCommit: opts.ManualCommit}
	if g.Mode == connection.SafeModeOff || req.rollback {
		return g
	}
	for _, d := range dangersIn(stmts) {
		st := stmts[d.Statement]
		// The mark starts at the statement's first token, after the comments before it.
		g.Dangers = append(g.Dangers, LocatedDanger{Danger: d,
			Start: req.Offset + utf16Len(req.SQL[:st.End-len(withoutLeadingTrivia(st.SQL))]), End: req.Offset + utf16Len(req.SQL[:st.End])})
	}
	if len(g.Dangers) > 0 {
		g.Action = GuardConfirm
		if g.Mode == connection.SafeModeBlock {
			g.Action = GuardBlock
		}
	}
	return g
}

// guard refuses req when safe mode says so: a Validation error naming each
// dangerous statement and why, under FieldSQL when blocked and under
// FieldConfirmDangerous when the user has not confirmed.
func (e *Engine) guard(pool *connection.Pool, req Request, stmts []Statement) error {
	g := e.check(pool.Config().Options, req, stmts)
	if g.Action == GuardRun || g.Action == GuardConfirm && req.ConfirmDangerous {
		return nil
	}
	field, verb := FieldConfirmDangerous, "needs your confirmation"
	hint := "Confirm to run it anyway; this connection's safe mode asks first."
	if g.Action == GuardBlock {
		field, verb = FieldSQL, "is blocked by safe mode"
		hint = "This connection's safe mode blocks such statements: add a WHERE clause, or change the connection's safe mode to run it."
	}
	fields := make([]apperr.FieldError, len(g.Dangers))
	for i, d := range g.Dangers {
		fields[i] = apperr.FieldError{Field: field, Message: dangerLine(d.Danger, len(stmts))}
	}
	msg := fields[0].Message + ": it " + verb
	if len(fields) > 1 {
		msg = fmt.Sprintf("%d statements are dangerous and the script %s", len(fields), verb)
	}
	var lines []string
	for _, f := range fields {
		lines = append(lines, f.Message)
	}
	return &apperr.Error{Kind: apperr.Validation, Message: msg, Hint: hint, Detail: strings.Join(lines, "\n"), Fields: fields}
}

// dangerLine names the statement (its number in a script) and the danger.
func dangerLine(d Danger, statements int) string {
	if statements == 1 {
		return d.Message
	}
	return fmt.Sprintf("statement %d: %s", d.Statement+1, d.Message)
}
