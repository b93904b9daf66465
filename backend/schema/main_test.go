package schema_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/schema"
)

// *connection.Conn is what the app passes to Load and Definition.
var _ schema.Querier = (*connection.Conn)(nil)

// cluster is the package's throwaway PostgreSQL server (see TestMain).
var cluster *pgtest.Cluster

// limitedRole is a login role (password limitedPassword) without USAGE on
// schema secret; its name is random because roles are shared by every
// package using a shared cluster.
var limitedRole = "tusk_schema_limited_" + randomHex(4)

const limitedPassword = "limited-pw"

// fixtures covers every object kind Load and Definition read, with quoted,
// mixed-case and reserved-word names.
const fixtures = `
create schema app;
comment on schema app is 'application schema';
create schema "Sales";
create schema secret;
grant usage on schema app, "Sales" to public;
create table secret.keys (id int primary key, value text);

create type app.mood as enum ('sad', 'ok', 'happy');
comment on type app.mood is 'how it went';
create domain app.positive as integer not null default 1 check (value > 0);
create type app.address as (street text, city text);
create sequence app.invoice_no start 1000;
comment on sequence app.invoice_no is 'invoice numbers';

create table app.customers (
    id int generated always as identity primary key,
    email text not null unique,
    name text collate "C",
    "select" text,
    mood app.mood default 'ok',
    address app.address,
    email_lower text generated always as (lower(email)) stored
);
comment on table app.customers is 'people who buy';
comment on column app.customers.email is 'login e-mail';
create index customers_lower_name on app.customers (lower(name));
create index customers_named on app.customers (name) where name is not null;

create table "Sales".orders (
    id bigserial primary key,
    customer_id int not null references app.customers (id),
    placed_at timestamptz not null default now()
);
create table "Sales"."Order Items" (
    order_id bigint not null references "Sales".orders (id) on delete cascade,
    line int not null,
    "Unit Price" numeric(10, 2) not null check ("Unit Price" >= 0),
    qty app.positive,
    "select" text,
    primary key (order_id, line),
    constraint "Order Items ""select"" uq" unique (order_id, "select")
);
comment on table "Sales"."Order Items" is 'line''s items';
comment on column "Sales"."Order Items"."Unit Price" is 'price in \ cents';
comment on constraint "Order Items ""select"" uq" on "Sales"."Order Items" is 'one select per order';
create index "Order Items qty" on "Sales"."Order Items" (qty) where qty > 1;
comment on index "Sales"."Order Items qty" is 'big lines';

create view app.customer_names as select id, name from app.customers;
comment on view app.customer_names is 'names only';
create materialized view "Sales".order_totals as
    select order_id, sum("Unit Price" * qty) as total from "Sales"."Order Items" group by order_id;
create unique index order_totals_order on "Sales".order_totals (order_id);

create table app.events (id int, at date not null, primary key (id, at)) partition by range (at);
create table app.events_2024 partition of app.events for values from ('2024-01-01') to ('2025-01-01');

create function app.add(a int, b int) returns int language sql immutable as 'select a + b';
create function app.add(a text, b text) returns text language sql immutable as 'select a || b';
comment on function app.add(int, int) is 'adds numbers';
create function app.touch() returns trigger language plpgsql as $$
begin
    new.placed_at := now();
    return new;
end
$$;
create procedure app.reset(n int) language plpgsql as $$ begin perform n; end $$;
`

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		ctx := context.Background()
		if err := c.Exec(ctx, fixtures); err != nil {
			return err
		}
		return c.Exec(ctx, "create role "+limitedRole+" login password '"+limitedPassword+"'")
	})
}

func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// connect opens a connection that the test closes when it ends.
func connect(t testing.TB, connString string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(testCtx(t), connString)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// trustConn connects as the cluster's TrustUser, the owner of the database.
func trustConn(t testing.TB) *pgx.Conn {
	return connect(t, cluster.ConnString(cluster.TrustUser, "", ""))
}

// load loads the schema as the TrustUser.
func load(t testing.TB) *schema.Cache {
	t.Helper()
	c, err := schema.Load(testCtx(t), trustConn(t), "conn-1")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
