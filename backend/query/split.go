package query

import "strings"

// Statement is one statement of a script, as Split finds it.
type Statement struct {
	// SQL is the statement's text without the terminating semicolon and
	// without surrounding whitespace; comments before it are included.
	SQL string
	// Start and End are byte offsets into the script: script[Start:End] == SQL.
	Start, End int
	// Kind is DetectKind(SQL).
	Kind Kind
}

// Split cuts script into statements at top-level semicolons: not inside
// strings, quoted identifiers, dollar quotes, comments or parentheses, and
// not inside the BEGIN ATOMIC … END body of CREATE [OR REPLACE]
// FUNCTION/PROCEDURE (tracked the way psql does: BEGIN and, inside it, CASE
// open a level that END closes).
//
// A statement starts at its first token, so the comments before it belong
// to it ("-- why\nDROP TABLE t" keeps its explanation), and ends at its last
// token that is not a comment, so a trailing comment is left out. Statements
// that are only whitespace and comments (";;", "-- done") are dropped. The
// last statement needs no semicolon. Unterminated strings, comments and
// parentheses run to the end of the script. Statements are in script order
// and do not overlap.
func Split(script string) []Statement {
	var stmts []Statement
	var buf []Token // reused by the kind detection of each statement
	sc := splitter{first: -1}
	lx := NewLexer(script)
	for {
		t := lx.Next()
		if t.Kind == TokenEOF || sc.end(t) {
			if sc.last > 0 {
				sql := script[sc.first:sc.last]
				buf = significant(sql, buf)
				stmts = append(stmts, Statement{SQL: sql, Start: sc.first, End: sc.last, Kind: kindAt(buf, 0)})
			}
			if t.Kind == TokenEOF {
				return stmts
			}
			sc = splitter{first: -1}
		}
	}
}

// StatementAt returns the statement of Split(script) that contains byte
// offset offset, for "run the statement under the cursor". Start and End
// count as inside, so a cursor just after a statement picks it. A cursor
// between statements (whitespace, the semicolon) picks the nearest one
// before it, and a cursor before the first statement picks the first.
// Comments before a statement are part of it, so a cursor in them picks
// the statement they lead to. It reports false when script has no
// statement.
func StatementAt(script string, offset int) (Statement, bool) {
	stmts := Split(script)
	if len(stmts) == 0 {
		return Statement{}, false
	}
	best := stmts[0]
	for _, s := range stmts {
		if s.Start > offset {
			break
		}
		best = s
	}
	return best, true
}

// splitter holds the state of the statement Split is in.
type splitter struct {
	// first and last delimit the statement's text: from the first token
	// that is not whitespace (-1 before it) to the end of the last one that
	// is not trivia (0 before it).
	first, last int
	// paren is the parenthesis depth.
	paren int
	// words counts identifiers; routine records the first letters of the
	// first four when they are CREATE, OR, REPLACE, FUNCTION or PROCEDURE.
	words   int
	routine [4]byte
	// begin is the BEGIN … END depth inside a routine body.
	begin int
}

// end feeds t to the splitter and reports whether t ends the statement.
func (sc *splitter) end(t Token) bool {
	switch t.Kind {
	case TokenSpace:
		return false
	case TokenLineComment, TokenBlockComment:
		if sc.first < 0 {
			sc.first = t.Start
		}
		return false
	case TokenPunct:
		switch t.Text {
		case ";":
			if sc.paren == 0 && sc.begin == 0 {
				return true
			}
		case "(":
			sc.paren++
		case ")":
			sc.paren = max(sc.paren-1, 0)
		}
	case TokenIdent:
		sc.ident(t)
	}
	if sc.first < 0 {
		sc.first = t.Start
	}
	sc.last = t.End
	return false
}

// ident follows psql's heuristic for SQL-standard routine bodies.
func (sc *splitter) ident(t Token) {
	if sc.words < len(sc.routine) {
		for _, w := range [...]string{"create", "or", "replace", "function", "procedure"} {
			if strings.EqualFold(t.Text, w) {
				sc.routine[sc.words] = w[0]
			}
		}
	}
	sc.words++
	r := sc.routine
	inRoutine := r[0] == 'c' && (r[1] == 'f' || r[1] == 'p' || r[1] == 'o' && r[2] == 'r' && (r[3] == 'f' || r[3] == 'p'))
	if !inRoutine || sc.paren != 0 {
		return
	}
	switch {
	case t.IsKeyword("begin"):
		sc.begin++
	case t.IsKeyword("case"):
		if sc.begin > 0 {
			sc.begin++
		}
	case t.IsKeyword("end"):
		if sc.begin > 0 {
			sc.begin--
		}
	}
}
