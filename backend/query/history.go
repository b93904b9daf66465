package query

import (
	"strings"
	"time"

	"github.com/tusk-app/tusk/backend/storage"
)

// historyEntries is what a finished query adds to the history: one entry per
// statement that reached the server, each with its own duration, rows and
// error, and its text without the comments that lead to it (so a script's
// header comment does not become every entry's first line). A query that
// failed before any statement ran (no connection, cancelled while waiting
// for one) is one entry holding the statements it would have run.
func historyEntries(req Request, h *Handle, stmts []Statement, sum *Summary) []storage.HistoryEntry {
	var out []storage.HistoryEntry
	for _, st := range sum.Statements {
		if st.Status != StatusDone && st.Status != StatusError && st.Status != StatusCancelled {
			continue
		}
		rows := st.Rows
		e := storage.HistoryEntry{
			ConnectionID: req.ConnectionID,
			SQL:          withoutLeadingTrivia(st.SQL),
			ExecutedAt:   st.started,
			DurationMs:   int64(st.DurationMs),
			RowCount:     &rows,
			Plan:         st.plan,
		}
		if e.ExecutedAt.IsZero() {
			e.ExecutedAt = h.startedAt
		}
		if st.Error != nil && st.Status == StatusError {
			e.ErrorMessage, e.ErrorCode = st.Error.Message, st.Error.Code
		}
		out = append(out, e)
	}
	if len(out) > 0 || sum.Error == nil {
		return out
	}
	texts := make([]string, 0, len(stmts))
	for _, st := range stmts {
		texts = append(texts, withoutLeadingTrivia(st.SQL))
	}
	return []storage.HistoryEntry{{
		ConnectionID: req.ConnectionID,
		SQL:          strings.Join(texts, ";\n"),
		ExecutedAt:   h.startedAt,
		DurationMs:   time.Since(h.startedAt).Milliseconds(),
		ErrorMessage: sum.Error.Message,
		ErrorCode:    sum.Error.Code,
	}}
}

// withoutLeadingTrivia is sql from its first token that is not whitespace
// or a comment; sql itself when it has none.
func withoutLeadingTrivia(sql string) string {
	lx := NewLexer(sql)
	for {
		t := lx.Next()
		if t.Kind == TokenEOF {
			return sql
		}
		if !t.IsTrivia() {
			return sql[t.Start:]
		}
	}
}
