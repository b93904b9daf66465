package query

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed queries/session_state.sql
var sessionStateSQL string

// Holdings is what a tab's server session holds that a fresh session would
// not have. While it holds anything, the tab keeps its pooled connection;
// when it holds nothing, the connection goes back to the pool between runs.
// When a session that holds something ends (the connection broke, an
// administrator ended it, or it had to be given up), Describe says what
// went with it.
type Holdings struct {
	// Transaction is "in transaction", "failed transaction" or "".
	Transaction string `json:"transaction,omitempty"`
	// Settings are the names of the settings changed with SET.
	Settings []string `json:"settings,omitempty"`
	// Temp are the session's temporary tables, views and sequences.
	Temp []string `json:"temp,omitempty"`
	// Listening are the channels of LISTEN.
	Listening []string `json:"listening,omitempty"`
	// Prepared are the statements made with PREPARE.
	Prepared []string `json:"prepared,omitempty"`
	// Cursors are the cursors declared WITH HOLD.
	Cursors []string `json:"cursors,omitempty"`
	// AdvisoryLocks counts the advisory locks the session holds.
	AdvisoryLocks int `json:"advisoryLocks,omitempty"`
}

// Empty reports whether the session holds nothing a fresh one lacks.
func (h Holdings) Empty() bool {
	return h.Transaction == "" && len(h.Settings) == 0 && len(h.Temp) == 0 && len(h.Listening) == 0 &&
		len(h.Prepared) == 0 && len(h.Cursors) == 0 && h.AdvisoryLocks == 0
}

// Describe names what the session holds, one phrase per kind, for "lost
// with the session: …" messages; empty when it holds nothing.
func (h Holdings) Describe() []string {
	out := []string{}
	switch h.Transaction {
	case "in transaction":
		out = append(out, "an open transaction (everything it changed is rolled back)")
	case "failed transaction":
		out = append(out, "a failed transaction")
	}
	if len(h.Temp) > 0 {
		out = append(out, "temporary tables: "+names(h.Temp))
	}
	if len(h.Settings) > 0 {
		out = append(out, "SET values: "+names(h.Settings))
	}
	if len(h.Listening) > 0 {
		out = append(out, "LISTEN on "+names(h.Listening))
	}
	if len(h.Prepared) > 0 {
		out = append(out, "prepared statements: "+names(h.Prepared))
	}
	if len(h.Cursors) > 0 {
		out = append(out, "cursors: "+names(h.Cursors))
	}
	if h.AdvisoryLocks > 0 {
		out = append(out, fmt.Sprintf("%d advisory lock(s)", h.AdvisoryLocks))
	}
	return out
}

// names lists at most five names and counts the rest.
func names(list []string) string {
	const most = 5
	if len(list) <= most {
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(list[:most], ", "), len(list)-most)
}

// keepCustomSettings adds to h the custom settings ("my.marker") that before
// had noted from SET statements. The server does not list placeholder
// settings in pg_settings, so its answer alone would call a session that set
// one empty, and its connection (and the setting) would go back to the pool.
func (h *Holdings) keepCustomSettings(before Holdings) {
	for _, name := range before.Settings {
		if strings.Contains(name, ".") && !slices.Contains(h.Settings, name) {
			h.Settings = append(h.Settings, name)
		}
	}
}

// readHoldings asks the server what the idle session on pg holds besides a
// transaction (pg must not be in a transaction block).
func readHoldings(ctx context.Context, pg *pgconn.PgConn) (Holdings, error) {
	res := pg.ExecParams(ctx, sessionStateSQL, nil, nil, nil, nil).Read()
	if res.Err != nil {
		return Holdings{}, res.Err
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return Holdings{}, fmt.Errorf("session state: %d rows", len(res.Rows))
	}
	var h Holdings
	if err := json.Unmarshal(res.Rows[0][0], &h); err != nil {
		return Holdings{}, fmt.Errorf("session state: %w", err)
	}
	return h, nil
}

// noteEffect adds to h what the successful statement sql gives the session
// beyond its transaction, as far as its words tell: CREATE TEMP tables,
// views and sequences, SET (not LOCAL), LISTEN, PREPARE and DECLARE … WITH
// HOLD. It serves while a transaction is open, when the server is not asked
// (see settle); once the transaction ends, the server's answer replaces it.
func (h *Holdings) noteEffect(sql string) {
	toks := significant(sql, nil)
	word := func(i int) string {
		if i < len(toks) && (toks[i].Kind == TokenIdent || toks[i].Kind == TokenQuotedIdent) {
			return strings.ToLower(strings.Trim(toks[i].Text, `"`))
		}
		return ""
	}
	add := func(list *[]string, name string) {
		if name == "" {
			return
		}
		for _, n := range *list {
			if n == name {
				return
			}
		}
		*list = append(*list, name)
	}
	switch word(0) {
	case "create":
		i := 1
		for word(i) == "or" || word(i) == "replace" || word(i) == "global" || word(i) == "local" {
			i++
		}
		if w := word(i); w != "temp" && w != "temporary" {
			return
		}
		i++
		if word(i) == "unlogged" || word(i) == "recursive" {
			i++
		}
		if w := word(i); w != "table" && w != "view" && w != "sequence" {
			return
		}
		i++
		if word(i) == "if" {
			i += 3 // if not exists
		}
		add(&h.Temp, word(i))
	case "set":
		i := 1
		switch word(i) {
		case "local", "transaction", "constraints":
			return
		case "session":
			if word(i+1) == "characteristics" {
				return
			}
			i++
		}
		name := word(i)
		// A custom setting ("my.marker") is three tokens: name, dot, name.
		if i+2 < len(toks) && toks[i+1].Text == "." && word(i+2) != "" {
			name += "." + word(i+2)
		}
		add(&h.Settings, name)
	case "listen":
		add(&h.Listening, word(1))
	case "prepare":
		if word(1) != "transaction" {
			add(&h.Prepared, word(1))
		}
	case "declare":
		for i := 2; i+1 < len(toks); i++ {
			if toks[i].IsKeyword("with") && toks[i+1].IsKeyword("hold") {
				add(&h.Cursors, word(1))
				return
			}
		}
	}
}
