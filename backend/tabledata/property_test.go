package tabledata_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/tabledata"
)

func init() {
	setups = append(setups, `create table app.prop (id int primary key, t text, n int default 42, b boolean, j jsonb, d text not null default 'dflt');
grant all on app.prop to public;`)
}

// propCols are the columns of app.prop after id; propDefaults what an
// insert leaves in each when not given.
var (
	propCols     = []string{"t", "n", "b", "j", "d"}
	propDefaults = map[string]*string{"t": nil, "n": str("42"), "b": nil, "j": nil, "d": str("dflt")}
)

type model map[int]map[string]*string

func (m model) clone() model {
	out := model{}
	for id, row := range m {
		r := map[string]*string{}
		for k, v := range row {
			r[k] = v
		}
		out[id] = r
	}
	return out
}

func (m model) String() string {
	var lines []string
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		parts := []string{fmt.Sprint(id)}
		for _, c := range propCols {
			parts = append(parts, quoteCell(m[id][c]))
		}
		lines = append(lines, strings.Join(parts, "|"))
	}
	return strings.Join(lines, "\n")
}

func quoteCell(v *string) string {
	if v == nil {
		return "∅"
	}
	return fmt.Sprintf("%q", *v)
}

// tableState reads app.prop in the model's shape.
func tableState(t *testing.T, c *pgx.Conn) model {
	t.Helper()
	rows, err := c.Query(testCtx(t), "select id, t, n::text, left(b::text, 1), j::text, d from app.prop", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatal(err)
	}
	m := model{}
	for rows.Next() {
		var id int
		v := make([]*string, 5)
		if err := rows.Scan(&id, &v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
			t.Fatal(err)
		}
		m[id] = map[string]*string{}
		for i, c := range propCols {
			m[id][c] = v[i]
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// randomValue returns a value for column c and what the table then holds.
func randomValue(rng *rand.Rand, c string) (tabledata.Value, *string) {
	if c != "d" && rng.IntN(6) == 0 {
		return tabledata.Null, nil
	}
	if (c == "n" || c == "d") && rng.IntN(6) == 0 {
		return tabledata.Default, propDefaults[c]
	}
	var s string
	switch c {
	case "t", "d":
		s = []string{"", "NULL", "null", "it's", `back\slash`, "ünï ☃", "two\nlines", " padded ", `"quoted"`, "%_"}[rng.IntN(10)]
		if rng.IntN(3) == 0 {
			s = fmt.Sprintf("w%d", rng.IntN(1000))
		}
	case "n":
		s = fmt.Sprint(rng.IntN(2001) - 1000)
	case "b":
		s = []string{"t", "f"}[rng.IntN(2)]
	case "j":
		s = []string{`{"k": %d}`, `[%d]`, `%d`, `{"a": {"b": [%d, null]}}`}[rng.IntN(4)]
		s = fmt.Sprintf(s, rng.IntN(50))
	}
	return tabledata.Text(s), &s
}

// TestPropertyRandomEditsMatchModel commits random sets of edits, inserts
// and deletes — some raced by another session — and checks after each that
// the table equals a model: every set applies entirely, or (on a conflict)
// not at all.
func TestPropertyRandomEditsMatchModel(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "prop")
	for _, seed := range []uint64{1, 2, 3} {
		exec(t, "delete from app.prop")
		rng := rand.New(rand.NewPCG(seed, 12))
		m := model{}
		for round := range 60 {
			var changes []tabledata.Change
			next := m.clone()
			used := map[int]bool{}
			var raceable []int // changes another session may race
			for range 1 + rng.IntN(6) {
				existing := make([]int, 0, len(next))
				for id := range m {
					if !used[id] && next[id] != nil {
						existing = append(existing, id)
					}
				}
				slices.Sort(existing)
				op := rng.IntN(10)
				switch {
				case op < 5 && len(existing) > 0: // update
					id := existing[rng.IntN(len(existing))]
					used[id] = true
					old := map[string]*string{"id": str(fmt.Sprint(id))}
					ch := tabledata.Change{ID: fmt.Sprintf("u%d", id), Kind: tabledata.ChangeUpdate, New: map[string]tabledata.Value{}}
					for _, col := range propCols {
						if rng.IntN(2) == 0 {
							v, stored := randomValue(rng, col)
							ch.New[col] = v
							next[id][col] = stored
							old[col] = m[id][col]
						} else if rng.IntN(3) == 0 {
							old[col] = m[id][col] // loaded but unchanged: not compared
						}
					}
					if len(ch.New) == 0 {
						v, stored := randomValue(rng, "t")
						ch.New["t"], next[id]["t"], old["t"] = v, stored, m[id]["t"]
					}
					ch.Old = tabledata.FromCells(old)
					raceable = append(raceable, len(changes))
					changes = append(changes, ch)
				case op < 8 || len(existing) == 0: // insert
					id := 1 + rng.IntN(60)
					if used[id] || next[id] != nil {
						continue
					}
					used[id] = true
					ch := tabledata.Change{ID: fmt.Sprintf("i%d", id), Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text(fmt.Sprint(id))}}
					row := map[string]*string{}
					for _, col := range propCols {
						row[col] = propDefaults[col]
						if rng.IntN(2) == 0 {
							ch.New[col], row[col] = randomValue(rng, col)
						}
					}
					next[id] = row
					changes = append(changes, ch)
				default: // delete
					id := existing[rng.IntN(len(existing))]
					used[id] = true
					old := map[string]*string{"id": str(fmt.Sprint(id))}
					for _, col := range propCols {
						if rng.IntN(2) == 0 {
							old[col] = m[id][col]
						}
					}
					delete(next, id)
					raceable = append(raceable, len(changes))
					changes = append(changes, tabledata.Change{ID: fmt.Sprintf("d%d", id), Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(old)})
				}
			}
			// Sometimes another session changes the row first: a cell the
			// change compares (a conflict), or for an update another cell
			// (merged: both changes stay).
			raced := false
			if len(raceable) > 0 && rng.IntN(4) == 0 {
				ch := changes[raceable[rng.IntN(len(raceable))]]
				id := ch.Old["id"].Text
				col := propCols[rng.IntN(len(propCols))]
				_, inOld := ch.Old[col]
				_, inNew := ch.New[col]
				if rng.IntN(5) == 0 {
					other(t, "delete from app.prop where id = "+id)
					raced = true
				} else {
					// A value the random edits never produce, different each round.
					v := map[string]string{"t": fmt.Sprintf("'raced %d'", round), "n": fmt.Sprint(-5000 - round), "b": "not coalesce(b, false)",
						"j": fmt.Sprintf(`'"raced %d"'`, round), "d": fmt.Sprintf("'raced %d'", round)}[col]
					other(t, fmt.Sprintf("update app.prop set %s = %s where id = %s", col, v, id))
					raced = ch.Kind == tabledata.ChangeDelete && inOld || ch.Kind == tabledata.ChangeUpdate && inNew
				}
				now := tableState(t, c)
				if !raced { // merged: the other session's cell stays
					var n int
					fmt.Sscan(id, &n)
					if next[n] != nil {
						next[n][col] = now[n][col]
					}
				}
				m = now
			}
			res, err := r.Commit(testCtx(t), c, changes)
			if err != nil {
				t.Fatalf("seed %d round %d: %v", seed, round, err)
			}
			if raced {
				if res.Committed || res.Failure == nil || !res.Failure.Conflict {
					t.Fatalf("seed %d round %d: a raced change set: committed %v failure %+v", seed, round, res.Committed, res.Failure)
				}
			} else {
				if !res.Committed {
					t.Fatalf("seed %d round %d: %+v", seed, round, res.Failure)
				}
				m = next
				for _, row := range res.Rows {
					var id int
					fmt.Sscan(*row.Row[0], &id)
					got := map[string]*string{}
					for i, col := range propCols {
						got[col] = row.Row[i+1]
					}
					if !sameRow(got, m[id]) {
						t.Fatalf("seed %d round %d: RETURNING %v, model %v", seed, round, got, m[id])
					}
				}
			}
			if got := tableState(t, c); got.String() != m.String() {
				t.Fatalf("seed %d round %d (raced %v): table\n%s\nmodel\n%s", seed, round, raced, got, m)
			}
		}
	}
}
