package resultset_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/resultset"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		return c.Exec(context.Background(), `
create table tricky (
	id int primary key,
	t text,
	n numeric,
	f float8,
	b bytea,
	j jsonb,
	a int[],
	ta text[],
	ts timestamptz,
	iv interval,
	ok bool,
	u uuid,
	"odd ""name""" text
);
insert into tricky values
	(1, 'it''s "quoted", with, commas', 1e-20, 1e-20, '\x00ff27'::bytea, '{"a": [1, "x''y"], "b": null}',
	 '{1,2,NULL}', '{"a b","c\"d",NULL,"NULL"}', '2024-02-29 23:59:59.123456+05:30', '1 year 2 mons -3 days 04:05:06.7',
	 true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'x'),
	(2, E'line1\nline2\r\n\ttab \\ backslash', 123456789012345678901234567890.123456789, 'NaN', '', '"str"',
	 '{}', '{}', '-infinity', '-00:00:01', false, null, ''),
	(3, 'ünïcødé 🐘 ‐ 日本語', 'NaN', '-Infinity', '\x5c27'::bytea, '[]', null, null, '1999-01-08 04:05:06 BC',
	 '0', null, null, null),
	(4, null, null, null, null, null, null, null, null, null, null, null, null),
	(5, '', -0.0, '-0'::float8, '\x'::bytea, '{"\u00e9": "\\\""}', '{{1,2},{3,4}}', '{""}', 'infinity', '1 day', true,
	 '00000000-0000-0000-0000-000000000000', 'NULL'),
	(6, 'NULL', 0, 1.7976931348623157e308, '\x4e554c4c'::bytea, 'null', '{-2147483648}', '{NULL}', '2000-01-01 00:00:00+00', '-178000000 years', false, null, null);
`)
	})
}

func connect(t *testing.T) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, cluster.ConnString(cluster.TrustUser, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// load runs sql with text results and stores the rows in a new Set.
func load(t *testing.T, conn *pgx.Conn, opts resultset.Options, sql string, args ...any) *resultset.Set {
	t.Helper()
	ctx := context.Background()
	rows, err := conn.Query(ctx, sql, append([]any{pgx.QueryResultFormats{pgx.TextFormatCode}}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []resultset.Column
	for _, fd := range rows.FieldDescriptions() {
		name := ""
		if typ, ok := conn.TypeMap().TypeForOID(fd.DataTypeOID); ok {
			name = typ.Name
		}
		cols = append(cols, resultset.Column{Name: fd.Name, TypeOID: fd.DataTypeOID, TypeName: name})
	}
	set := resultset.New(cols, opts)
	t.Cleanup(func() { set.Close() })
	for rows.Next() {
		if err := set.Append(rows.RawValues()); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	set.Done(rows.Err())
	if err := set.Err(); err != nil {
		t.Fatal(err)
	}
	return set
}

func TestExportSQLRoundTrip(t *testing.T) {
	pgtest.Need(t)
	conn := connect(t)
	ctx := context.Background()
	// A tiny budget puts most rows in the spill file.
	set := load(t, conn, resultset.Options{MemoryBudget: 1, TempDir: t.TempDir()}, "select * from tricky")
	if set.Len() != 6 {
		t.Fatalf("loaded %d rows", set.Len())
	}
	var script bytes.Buffer
	if err := set.ExportSQL(ctx, &script, `copy of "tricky"`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `create table "copy of ""tricky""" (like tricky)`); err != nil {
		t.Fatal(err)
	}
	// The simple protocol runs the whole script, as psql would.
	if _, err := conn.PgConn().Exec(ctx, script.String()).ReadAll(); err != nil {
		t.Fatalf("run export: %v\n%s", err, script.String())
	}
	for _, q := range []string{
		`select count(*) from (table tricky except all table "copy of ""tricky""") d`,
		`select count(*) from (table "copy of ""tricky""" except all table tricky) d`,
	} {
		var n int
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%s = %d, want 0; script:\n%s", q, n, script.String())
		}
	}
	// Spot checks that except could gloss over: NULL vs '' vs 'NULL', exact numeric.
	var same bool
	err := conn.QueryRow(ctx, `select bool_and(a.t is not distinct from b.t and a.n::text is not distinct from b.n::text
		and a.f::text is not distinct from b.f::text and a."odd ""name""" is not distinct from b."odd ""name""")
		from tricky a join "copy of ""tricky""" b using (id)`).Scan(&same)
	if err != nil || !same {
		t.Fatalf("column-wise comparison: %v, %v", same, err)
	}

	// The JSON export parses and the CSV export loads back with COPY.
	var js bytes.Buffer
	if err := set.ExportJSON(ctx, &js); err != nil {
		t.Fatal(err)
	}
	var jsonOK bool
	if err := conn.QueryRow(ctx, `select jsonb_array_length($1::jsonb) = 6`, js.String()).Scan(&jsonOK); err != nil || !jsonOK {
		t.Fatalf("json export rejected by the server: %v\n%s", err, js.String())
	}
	var csv bytes.Buffer
	if err := set.ExportCSV(ctx, &csv, resultset.CSVOptions{Header: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `create table csv_copy (like tricky)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.PgConn().CopyFrom(ctx, &csv, `copy csv_copy from stdin with (format csv, header true)`); err != nil {
		t.Fatalf("copy csv export: %v", err)
	}
	var diff int
	if err := conn.QueryRow(ctx, `select (select count(*) from (table tricky except all table csv_copy) a)
		+ (select count(*) from (table csv_copy except all table tricky) b)`).Scan(&diff); err != nil || diff != 0 {
		t.Fatalf("csv round trip differs in %d rows: %v", diff, err)
	}
}

func TestDisplayTextMatchesServer(t *testing.T) {
	pgtest.Need(t)
	conn := connect(t)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "set TimeZone = 'Asia/Kathmandu'"); err != nil {
		t.Fatal(err)
	}
	const exprs = `123456789012345678901234567890.000000000000000000001::numeric,
		'2024-02-29 12:34:56.789+00'::timestamptz,
		'1 year 2 mons 3 days 04:05:06.5'::interval,
		'{1,NULL,-3}'::int[],
		'{"b": [1, 2.50], "a": "x\"y"}'::jsonb,
		'\x00ff'::bytea,
		1e-20::float8`
	set := load(t, conn, resultset.Options{}, "select "+exprs)
	p, err := set.Page(0, 1)
	if err != nil || len(p.Rows) != 1 {
		t.Fatalf("page %+v, %v", p, err)
	}
	// What the server prints for the same values.
	var want [7]string
	row := conn.QueryRow(ctx, `select x1::text, x2::text, x3::text, x4::text, x5::text, x6::text, x7::text
		from (select `+exprs+`) v(x1, x2, x3, x4, x5, x6, x7)`)
	ptrs := make([]any, len(want))
	for i := range want {
		ptrs[i] = &want[i]
	}
	if err := row.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if got := p.Rows[0][i]; got == nil || *got != w {
			t.Errorf("column %d (%s) = %s, server says %q", i, set.Columns()[i].TypeName, cellText(got), w)
		}
	}
	if *p.Rows[0][1] != "2024-02-29 18:19:56.789+05:45" {
		t.Errorf("timestamptz not in the session time zone: %q", *p.Rows[0][1])
	}
	// bool is the one type whose text output (what psql shows) differs from its cast to text.
	bset := load(t, conn, resultset.Options{}, "select true, false, null::bool")
	if p, err := bset.Page(0, 1); err != nil || *p.Rows[0][0] != "t" || *p.Rows[0][1] != "f" || p.Rows[0][2] != nil {
		t.Errorf("bool page = %+v, %v", p, err)
	}
	if cols := set.Columns(); cols[0].TypeOID != 1700 || cols[4].TypeName != "jsonb" {
		t.Errorf("columns = %+v", cols)
	}
}
