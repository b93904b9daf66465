package query_test

import (
	"slices"
	"testing"

	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
)

// columnTypes returns "name:type:category" for each column.
func columnTypes(cols []resultset.Column) []string {
	out := make([]string, len(cols))
	for k, c := range cols {
		out[k] = c.Name + ":" + c.TypeName + ":" + c.TypeCategory
	}
	return out
}

// firstProgressColumns is the columns of the first query:progress of a query.
func firstProgressColumns(t *testing.T, e *env, queryID string) []resultset.Column {
	t.Helper()
	for _, ev := range e.events.Events() {
		if p, ok := ev.Payload.(query.Progress); ok && p.QueryID == queryID && len(p.Columns) > 0 {
			return p.Columns
		}
	}
	t.Fatalf("no query:progress with columns for %s", queryID)
	return nil
}

func TestColumnsNameEnumsDomainsCompositesAndExtensionTypes(t *testing.T) {
	e := newEnv(t)
	// The shared test cluster keeps a package's database between runs.
	setup := e.run(t, "setup", `
drop table if exists moods;
drop type if exists mood, feeling, pair;
drop domain if exists posint;
drop schema if exists elsewhere cascade;
create extension if not exists citext;
create extension if not exists hstore;
create type mood as enum ('ok', 'sad');
create domain posint as integer check (value > 0);
create type pair as (a int, b text);
create schema elsewhere;
create type elsewhere.colour as enum ('red');
create table moods (m mood, ms mood[], p posint, pr pair, c citext, h hstore, cs citext[], x elsewhere.colour)`)
	if setup.Status != query.StatusDone {
		t.Fatalf("setup: %+v", setup)
	}
	const sel = `select m, ms, p, pr, c, h, cs, x, 1::int8 as n from moods`
	want := []string{
		"m:mood:E", "ms:mood[]:A", "p:integer:N", "pr:pair:C", "c:citext:S", "h:hstore:U", "cs:citext[]:A",
		"x:elsewhere.colour:E", "n:bigint:N",
	}

	first := e.run(t, "s1", sel)
	if got := columnTypes(first.Statements[0].Columns); !slices.Equal(got, want) {
		t.Fatalf("columns after the first run:\n got %v\nwant %v", got, want)
	}
	// The first run learnt the names after its rows: its progress did not
	// know them yet (a domain arrives as its base type, a built-in).
	early := columnTypes(firstProgressColumns(t, e, first.QueryID))
	if early[0] != "m::" || early[2] != "p:integer:N" || early[8] != "n:bigint:N" {
		t.Fatalf("first progress of the first run: %v", early)
	}

	// Cached for the connection: another tab's first page has them at once.
	second := e.run(t, "s2", sel)
	if got := columnTypes(firstProgressColumns(t, e, second.QueryID)); !slices.Equal(got, want) {
		t.Fatalf("first progress of the second run:\n got %v\nwant %v", got, want)
	}

	// DDL from Tusk forgets the cache: a renamed type shows its new name.
	if s := e.run(t, "s1", "alter type mood rename to feeling"); s.Status != query.StatusDone {
		t.Fatalf("rename: %+v", s)
	}
	if got := e.run(t, "s2", "select m from moods").Statements[0].Columns[0].TypeName; got != "feeling" {
		t.Fatalf("after the rename: %q", got)
	}
}

func TestColumnsNameATypeOfTheSessionsOpenTransaction(t *testing.T) {
	e := newEnv(t)
	sum := e.run(t, "tx", "begin; create type pending as enum ('a'); select 'a'::pending as v, array['a'::pending] as vs")
	st := sum.Statements[len(sum.Statements)-1]
	if sum.Status != query.StatusDone || !slices.Equal(columnTypes(st.Columns), []string{"v:pending:E", "vs:pending[]:A"}) {
		t.Fatalf("summary %s, columns %v", sum.Status, columnTypes(st.Columns))
	}
	if s := e.run(t, "tx", "rollback"); s.Status != query.StatusDone {
		t.Fatalf("rollback: %+v", s)
	}
}
