package query

import (
	"fmt"
	"strings"
)

// Hazard is why safe mode stops a statement.
type Hazard string

// The hazards safe mode knows.
const (
	// DeleteWithoutWhere: DELETE with no WHERE deletes every row.
	DeleteWithoutWhere Hazard = "delete-without-where"
	// UpdateWithoutWhere: UPDATE with no WHERE changes every row.
	UpdateWithoutWhere Hazard = "update-without-where"
	// Truncate empties tables.
	Truncate Hazard = "truncate"
	// Drop removes an object (DROP TABLE, DROP SCHEMA, …).
	Drop Hazard = "drop"
	// AlterDrop removes part of an object: ALTER … DROP COLUMN, DROP
	// CONSTRAINT, DROP ATTRIBUTE … (not DROP DEFAULT, DROP NOT NULL,
	// DROP IDENTITY or DROP EXPRESSION, which lose no data).
	AlterDrop Hazard = "alter-drop"
)

// Danger is one dangerous statement of a script.
type Danger struct {
	// Statement is the index of the statement in Split(script).
	Statement int `json:"statement"`
	// Start and End are byte offsets of the statement in the script.
	Start int `json:"-"`
	End   int `json:"-"`
	// Hazard says what the statement would do.
	Hazard Hazard `json:"hazard"`
	// Target names what it would do it to ("sales.orders"), "" when the
	// statement does not say plainly.
	Target string `json:"target"`
	// Message is one line for the user: "DELETE without WHERE deletes
	// every row of orders".
	Message string `json:"message"`
}

// Dangers returns the statements of script that safe mode guards against:
// UPDATE or DELETE without WHERE, TRUNCATE, DROP and ALTER … DROP.
//
// It reads the script with the lexer, so comments, strings, quoted
// identifiers and dollar quotes never trigger it ("-- DROP TABLE t" and
// 'DELETE FROM t' are harmless), and it finds the statement wherever it
// runs: each statement of a script, data-modifying CTEs (WITH d AS (DELETE
// FROM t) SELECT …), the query of COPY (…) TO, EXPLAIN ANALYZE (which
// executes its statement) and the statements of a DO block. A WHERE counts
// only at the statement's own level: one inside a subquery of SET does not.
//
// It does not see what runs later or elsewhere: function and procedure
// bodies (CREATE FUNCTION), rule actions (CREATE RULE … DO DELETE), PREPARE
// (its EXECUTE runs the statement), dynamic SQL (EXECUTE 'DELETE …' in
// PL/pgSQL), and the statements of functions a query calls.
func Dangers(script string) []Danger {
	return dangersIn(Split(script))
}

// dangersIn returns the dangers of stmts, numbered by their index in stmts.
func dangersIn(stmts []Statement) []Danger {
	var out []Danger
	var buf []Token
	for i, st := range stmts {
		buf = significant(st.SQL, buf)
		for _, d := range scanStatement(buf, 0, len(buf), 0) {
			d.Statement, d.Start, d.End = i, st.Start, st.End
			out = append(out, d)
		}
	}
	return out
}

// maxNesting bounds how deep CTEs, COPY queries and DO blocks are followed.
const maxNesting = 32

// scanStatement returns the dangers of the statement toks[i:end].
func scanStatement(toks []Token, i, end, depth int) []Danger {
	if depth > maxNesting {
		return nil
	}
	for i < end && toks[i].IsPunct("(") {
		i++
	}
	if i >= end {
		return nil
	}
	kw := toks[i]
	switch {
	case kw.IsKeyword("with"):
		return scanWith(toks, i+1, end, depth)
	case kw.IsKeyword("explain"):
		if j, analyze := explainOptions(toks[:end], i+1); analyze {
			return scanStatement(toks, j, end, depth+1)
		}
	case kw.IsKeyword("delete"):
		if !hasWhere(toks, i+1, end) {
			target := nameAfter(toks, i+1, end, "from", "only")
			return []Danger{danger(DeleteWithoutWhere, target, "DELETE without WHERE deletes every row of %s")}
		}
	case kw.IsKeyword("update"):
		if !hasWhere(toks, i+1, end) {
			target := nameAfter(toks, i+1, end, "only")
			return []Danger{danger(UpdateWithoutWhere, target, "UPDATE without WHERE changes every row of %s")}
		}
	case kw.IsKeyword("truncate"):
		target := namesAfter(toks, i+1, end, "table", "only")
		return []Danger{danger(Truncate, target, "TRUNCATE empties %s")}
	case kw.IsKeyword("drop"):
		what, j := objectWords(toks, i+1, end)
		target := namesAfter(toks, j, end, "if", "exists")
		d := danger(Drop, target, "DROP "+what+" %s removes it for good")
		return []Danger{d}
	case kw.IsKeyword("alter"):
		return scanAlter(toks, i, end)
	case kw.IsKeyword("copy"):
		if i+1 < end && toks[i+1].IsPunct("(") {
			return scanStatement(toks, i+2, skipBalanced(toks[:end], i+1)-1, depth+1)
		}
	case kw.IsKeyword("do"):
		return scanDo(toks, i+1, end, depth)
	}
	return nil
}

// danger builds a Danger whose message names target (or "the table").
func danger(h Hazard, target, format string) Danger {
	name := target
	if name == "" {
		name = "the table"
		if h == Drop {
			name = "the object"
		}
	}
	return Danger{Hazard: h, Target: target, Message: strings.TrimSpace(strings.ReplaceAll(fmt.Sprintf(format, name), "  ", " "))}
}

// scanWith follows WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED]
// (body), … main: every CTE body and the main statement.
func scanWith(toks []Token, i, end, depth int) []Danger {
	var out []Danger
	if i < end && toks[i].IsKeyword("recursive") {
		i++
	}
	for i < end {
		i++ // the name
		if i < end && toks[i].IsPunct("(") {
			i = skipBalanced(toks[:end], i)
		}
		if i >= end || !toks[i].IsKeyword("as") {
			return out
		}
		i++
		if i < end && toks[i].IsKeyword("not") {
			i++
		}
		if i < end && toks[i].IsKeyword("materialized") {
			i++
		}
		if i >= end || !toks[i].IsPunct("(") {
			return out
		}
		close := skipBalanced(toks[:end], i)
		out = append(out, scanStatement(toks, i+1, close-1, depth+1)...)
		i = close
		// SEARCH … SET col and CYCLE … SET col [TO v DEFAULT d] USING col.
		for i < end && !toks[i].IsPunct(",") && !toks[i].IsPunct("(") && !isMainKeyword(toks[i]) {
			i++
		}
		if i < end && toks[i].IsPunct(",") {
			i++
			continue
		}
		return append(out, scanStatement(toks, i, end, depth+1)...)
	}
	return out
}

// hasWhere reports whether toks[i:end] has WHERE outside parentheses.
func hasWhere(toks []Token, i, end int) bool {
	level := 0
	for ; i < end; i++ {
		switch t := toks[i]; {
		case t.IsPunct("("):
			level++
		case t.IsPunct(")"):
			level--
		case level == 0 && t.IsKeyword("where"):
			return true
		}
	}
	return false
}

// nameAfter returns the qualified name at toks[i:end] after skipping the
// keywords skip ("FROM ONLY"), "" when there is none.
func nameAfter(toks []Token, i, end int, skip ...string) string {
	i = skipWords(toks, i, end, skip...)
	var b strings.Builder
	for i < end {
		t := toks[i]
		if t.Kind != TokenIdent && t.Kind != TokenQuotedIdent {
			break
		}
		b.WriteString(t.Text)
		if i+1 < end && toks[i+1].IsPunct(".") {
			b.WriteByte('.')
			i += 2
			continue
		}
		break
	}
	return b.String()
}

// namesAfter is nameAfter for a comma-separated list of names.
func namesAfter(toks []Token, i, end int, skip ...string) string {
	i = skipWords(toks, i, end, skip...)
	var names []string
	for i < end {
		n := nameAfter(toks, i, end)
		if n == "" {
			break
		}
		names = append(names, n)
		for i < end && !toks[i].IsPunct(",") && (toks[i].Kind == TokenIdent || toks[i].Kind == TokenQuotedIdent || toks[i].IsPunct(".") ||
			toks[i].Kind == TokenOperator && toks[i].Text == "*") {
			if toks[i].IsKeyword("cascade") || toks[i].IsKeyword("restrict") {
				break
			}
			i++
		}
		if i < end && toks[i].IsPunct(",") {
			i++
			continue
		}
		break
	}
	return strings.Join(names, ", ")
}

func skipWords(toks []Token, i, end int, words ...string) int {
	for i < end {
		matched := false
		for _, w := range words {
			if toks[i].IsKeyword(w) {
				matched = true
			}
		}
		if !matched {
			return i
		}
		i++
	}
	return i
}

// objectTypeWords are the words of DROP's object types (DROP MATERIALIZED
// VIEW, DROP TEXT SEARCH CONFIGURATION, DROP OWNED BY, DROP INDEX
// CONCURRENTLY …).
var objectTypeWords = map[string]bool{
	"access": true, "aggregate": true, "by": true, "cast": true, "class": true, "collation": true,
	"concurrently": true, "configuration": true, "conversion": true, "data": true, "database": true,
	"dictionary": true, "domain": true, "event": true, "extension": true, "family": true, "foreign": true,
	"function": true, "group": true, "index": true, "language": true, "mapping": true, "materialized": true,
	"method": true, "operator": true, "owned": true, "parser": true, "policy": true, "procedural": true,
	"procedure": true, "publication": true, "role": true, "routine": true, "rule": true, "schema": true,
	"search": true, "sequence": true, "server": true, "statistics": true, "subscription": true, "table": true,
	"tablespace": true, "template": true, "text": true, "transform": true, "trigger": true, "type": true,
	"user": true, "view": true, "wrapper": true,
}

// objectWords returns DROP's object type ("MATERIALIZED VIEW") starting at
// toks[i] and the index after it.
func objectWords(toks []Token, i, end int) (string, int) {
	var words []string
	for i < end && toks[i].Kind == TokenIdent && objectTypeWords[strings.ToLower(toks[i].Text)] && len(words) < 4 {
		words = append(words, strings.ToUpper(toks[i].Text))
		i++
	}
	return strings.Join(words, " "), i
}

// attributeDrops are the ALTER … DROP forms that lose no data.
var attributeDrops = []string{"default", "not", "identity", "expression"}

// scanAlter finds DROP subcommands of the ALTER at toks[i:end].
func scanAlter(toks []Token, i, end int) []Danger {
	what, j := objectWords(toks, i+1, end)
	target := nameAfter(toks, j, end, "if", "exists", "only")
	level := 0
	for k := j; k < end; k++ {
		t := toks[k]
		switch {
		case t.IsPunct("("):
			level++
		case t.IsPunct(")"):
			level--
		case level == 0 && t.IsKeyword("drop"):
			harmless := false
			if k+1 < end {
				for _, w := range attributeDrops {
					harmless = harmless || toks[k+1].IsKeyword(w)
				}
			}
			if harmless {
				continue
			}
			part, _ := objectWords(toks, k+1, end)
			if part == "" && k+1 < end && (toks[k+1].IsKeyword("column") || toks[k+1].IsKeyword("constraint") || toks[k+1].IsKeyword("attribute")) {
				part = strings.ToUpper(toks[k+1].Text)
			}
			if part == "" {
				part = "COLUMN"
			}
			return []Danger{danger(AlterDrop, target, "ALTER "+what+" %s DROP "+part+" removes part of it for good")}
		}
	}
	return nil
}

// plpgsqlStarts are the PL/pgSQL words after which a statement starts.
var plpgsqlStarts = []string{"begin", "then", "else", "loop", "exception"}

// scanDo reads the code of DO [LANGUAGE lang] 'code' [LANGUAGE lang] as
// PL/pgSQL and scans each of its SQL statements. Other languages are not
// read.
func scanDo(toks []Token, i, end, depth int) []Danger {
	var code string
	lang := "plpgsql"
	for ; i < end; i++ {
		t := toks[i]
		switch {
		case t.IsKeyword("language") && i+1 < end:
			lang = strings.ToLower(strings.Trim(toks[i+1].Text, `'"`))
			i++
		case t.Kind == TokenDollarString:
			code = dollarBody(t.Text)
		case t.Kind == TokenString && strings.HasPrefix(t.Text, "'"):
			code = strings.ReplaceAll(strings.TrimSuffix(t.Text[1:], "'"), "''", "'")
		}
	}
	if lang != "plpgsql" || code == "" {
		return nil
	}
	body := significant(code, nil)
	var out []Danger
	start := 0
	level := 0
	for k := 0; k <= len(body); k++ {
		if k < len(body) {
			t := body[k]
			switch {
			case t.IsPunct("("):
				level++
				continue
			case t.IsPunct(")"):
				level--
				continue
			case level != 0 || !t.IsPunct(";") && !isBlockWord(t):
				continue
			}
		}
		if start < k {
			out = append(out, scanStatement(body, start, k, depth+1)...)
		}
		start = k + 1
	}
	return out
}

func isBlockWord(t Token) bool {
	for _, w := range plpgsqlStarts {
		if t.IsKeyword(w) {
			return true
		}
	}
	return false
}

// dollarBody returns the text between the quotes of $tag$…$tag$ (to the
// end when the closing quote is missing).
func dollarBody(s string) string {
	n := strings.IndexByte(s[1:], '$') + 2 // the length of $tag$
	body := s[n:]
	if len(body) >= n && strings.HasSuffix(body, s[:n]) {
		body = body[:len(body)-n]
	}
	return body
}
