package query

// Kind is the kind of an SQL statement, as DetectKind sees it. The zero
// value "" is not a kind; DetectKind never returns it.
type Kind string

// Statement kinds.
const (
	// Select reads rows: SELECT, VALUES, TABLE, and WITH … SELECT.
	Select Kind = "select"
	// Insert is INSERT, also as the main statement after WITH.
	Insert Kind = "insert"
	// Update is UPDATE, also as the main statement after WITH.
	Update Kind = "update"
	// Delete is DELETE, also as the main statement after WITH.
	Delete Kind = "delete"
	// DDL changes the schema or privileges: CREATE, ALTER, DROP, TRUNCATE,
	// COMMENT, GRANT, REVOKE, SECURITY LABEL, IMPORT FOREIGN SCHEMA, and
	// SELECT … INTO, which creates a table.
	DDL Kind = "ddl"
	// Transaction controls a transaction: BEGIN, START TRANSACTION, COMMIT,
	// END, ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION,
	// COMMIT PREPARED, ROLLBACK PREPARED and SET TRANSACTION.
	Transaction Kind = "transaction"
	// Explain is EXPLAIN of any statement; see ExplainTarget.
	Explain Kind = "explain"
	// Other is everything else: SET, SHOW, COPY, VACUUM, ANALYZE, DO, CALL,
	// MERGE, PREPARE/EXECUTE, LISTEN/NOTIFY, LOCK, REFRESH MATERIALIZED VIEW,
	// an empty or comment-only statement, and anything unrecognised.
	Other Kind = "other"
)

// ChangesSchema reports whether statements of kind k change the schema, so
// cached catalog information (the schema tree, completions) is stale after
// them.
func (k Kind) ChangesSchema() bool { return k == DDL }

// ReturnsRows is a hint that statements of kind k usually return rows:
// true for Select, Explain and Other (SHOW, CALL with OUT parameters, FETCH
// may). It is only a hint — INSERT … RETURNING returns rows, SET does not —
// so execution must decide from the result's field descriptions, never from
// the kind.
func (k Kind) ReturnsRows() bool {
	return k == Select || k == Explain || k == Other
}

// DetectKind returns the kind of the first statement in sql. It skips
// comments and leading parentheses, looks through WITH to the main
// statement, and compares keywords case-insensitively; a quoted identifier
// is never a keyword. Empty, comment-only and unrecognised input is Other.
// DetectKind is a lexical heuristic, not a parser: it does not validate sql.
func DetectKind(sql string) Kind {
	return kindAt(significant(sql, nil), 0)
}

// ExplainTarget returns the kind of the statement an EXPLAIN explains, so
// that the UI can warn that EXPLAIN ANALYZE DELETE really deletes (see
// ExplainAnalyzes). For a statement that is not EXPLAIN it returns
// DetectKind(sql).
func ExplainTarget(sql string) Kind {
	toks := significant(sql, nil)
	i := skipParens(toks, 0)
	if i >= len(toks) || !toks[i].IsKeyword("explain") {
		return kindAt(toks, 0)
	}
	i, _ = explainOptions(toks, i+1)
	return kindAt(toks, i)
}

// ExplainAnalyzes reports whether sql is EXPLAIN ANALYZE (in either syntax:
// EXPLAIN ANALYZE … or EXPLAIN (ANALYZE[ true|on|1], …) …), which executes
// the explained statement.
func ExplainAnalyzes(sql string) bool {
	toks := significant(sql, nil)
	i := skipParens(toks, 0)
	if i >= len(toks) || !toks[i].IsKeyword("explain") {
		return false
	}
	_, analyze := explainOptions(toks, i+1)
	return analyze
}

// explainOptions skips EXPLAIN's options starting at toks[i] and returns
// the index of the explained statement and whether ANALYZE is on.
func explainOptions(toks []Token, i int) (int, bool) {
	analyze := false
	if i < len(toks) && toks[i].IsPunct("(") {
		end := skipBalanced(toks, i)
		for j := i + 1; j < end; j++ {
			if toks[j].IsKeyword("analyze") || toks[j].IsKeyword("analyse") {
				analyze = true
				if j+1 < end {
					v := toks[j+1]
					if v.IsKeyword("false") || v.IsKeyword("off") || v.Kind == TokenNumber && v.Text == "0" {
						analyze = false
					}
				}
			}
		}
		return end, analyze
	}
	for i < len(toks) && (toks[i].IsKeyword("analyze") || toks[i].IsKeyword("analyse") || toks[i].IsKeyword("verbose")) {
		if !toks[i].IsKeyword("verbose") {
			analyze = true
		}
		i++
	}
	return i, analyze
}

// significant returns the tokens of sql that are not trivia, appended to
// toks[:0] so callers can reuse a buffer.
func significant(sql string, toks []Token) []Token {
	toks = toks[:0]
	lx := Lexer{src: sql}
	for {
		t := lx.Next()
		if t.Kind == TokenEOF {
			return toks
		}
		if !t.IsTrivia() {
			toks = append(toks, t)
		}
	}
}

// skipParens returns the index of the first token at or after i that is
// not "(".
func skipParens(toks []Token, i int) int {
	for i < len(toks) && toks[i].IsPunct("(") {
		i++
	}
	return i
}

// skipBalanced returns the index just past the ")" that closes the "(" at
// toks[i], or len(toks).
func skipBalanced(toks []Token, i int) int {
	depth := 0
	for ; i < len(toks); i++ {
		switch {
		case toks[i].IsPunct("("):
			depth++
		case toks[i].IsPunct(")"):
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(toks)
}

// kindAt classifies the statement starting at toks[i].
func kindAt(toks []Token, i int) Kind {
	i = skipParens(toks, i)
	if i >= len(toks) || toks[i].Kind != TokenIdent {
		return Other
	}
	kw := toks[i]
	next := func(n int) Token {
		if i+n < len(toks) {
			return toks[i+n]
		}
		return Token{}
	}
	switch {
	case kw.IsKeyword("select"):
		if selectInto(toks, i+1) {
			return DDL
		}
		return Select
	case kw.IsKeyword("values"), kw.IsKeyword("table"):
		return Select
	case kw.IsKeyword("insert"):
		return Insert
	case kw.IsKeyword("update"):
		return Update
	case kw.IsKeyword("delete"):
		return Delete
	case kw.IsKeyword("with"):
		return kindAfterWith(toks, i+1)
	case kw.IsKeyword("explain"):
		return Explain
	case kw.IsKeyword("create"), kw.IsKeyword("alter"), kw.IsKeyword("drop"),
		kw.IsKeyword("truncate"), kw.IsKeyword("comment"), kw.IsKeyword("grant"),
		kw.IsKeyword("revoke"):
		return DDL
	case kw.IsKeyword("security") && next(1).IsKeyword("label"),
		kw.IsKeyword("import") && next(1).IsKeyword("foreign"):
		return DDL
	case kw.IsKeyword("begin"), kw.IsKeyword("start"), kw.IsKeyword("commit"),
		kw.IsKeyword("end"), kw.IsKeyword("rollback"), kw.IsKeyword("abort"),
		kw.IsKeyword("savepoint"), kw.IsKeyword("release"):
		return Transaction
	case kw.IsKeyword("prepare") && next(1).IsKeyword("transaction"),
		kw.IsKeyword("set") && next(1).IsKeyword("transaction"):
		return Transaction
	}
	return Other
}

// selectInto reports whether the SELECT whose body starts at toks[i] has an
// INTO clause at its own parenthesis level (SELECT … INTO new_table).
func selectInto(toks []Token, i int) bool {
	depth := 0
	for ; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.IsPunct("("):
			depth++
		case t.IsPunct(")"):
			depth--
			if depth < 0 {
				return false
			}
		case t.IsPunct(";"):
			return false
		case depth == 0 && t.IsKeyword("into"):
			return true
		}
	}
	return false
}

// kindAfterWith classifies the main statement of WITH [RECURSIVE]
// name [(cols)] AS [[NOT] MATERIALIZED] (body) [SEARCH …] [CYCLE …], … stmt,
// whose CTE list starts at toks[i]. Data-modifying CTEs in the list do not
// change the kind.
func kindAfterWith(toks []Token, i int) Kind {
	if i < len(toks) && toks[i].IsKeyword("recursive") {
		i++
	}
	for i < len(toks) {
		// name
		if k := toks[i].Kind; k != TokenIdent && k != TokenQuotedIdent {
			return Other
		}
		i++
		if i < len(toks) && toks[i].IsPunct("(") {
			i = skipBalanced(toks, i)
		}
		if i >= len(toks) || !toks[i].IsKeyword("as") {
			return Other
		}
		i++
		if i < len(toks) && toks[i].IsKeyword("not") {
			i++
		}
		if i < len(toks) && toks[i].IsKeyword("materialized") {
			i++
		}
		if i >= len(toks) || !toks[i].IsPunct("(") {
			return Other
		}
		i = skipBalanced(toks, i)
		// SEARCH … SET col and CYCLE … SET col [TO v DEFAULT d] USING col.
		for i < len(toks) && !toks[i].IsPunct(",") && !toks[i].IsPunct("(") && !toks[i].IsPunct(";") && !isMainKeyword(toks[i]) {
			i++
		}
		if i < len(toks) && toks[i].IsPunct(",") {
			i++
			continue
		}
		return kindAt(toks, i)
	}
	return Other
}

// isMainKeyword reports whether t can start the main statement of a WITH.
func isMainKeyword(t Token) bool {
	for _, kw := range [...]string{"select", "insert", "update", "delete", "values", "table", "merge", "with"} {
		if t.IsKeyword(kw) {
			return true
		}
	}
	return false
}
