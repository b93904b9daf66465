package apperr_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

// cluster is the package's throwaway PostgreSQL server (see TestMain).
var cluster *pgtest.Cluster

const fixtures = `
create table users (id int primary key, email text not null unique);
create table orders (id int primary key, user_id int not null references users (id));
create table secret_t (x int);
revoke all on secret_t from public;
insert into users values (1, 'a@example.com');
`

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		return c.Exec(context.Background(), fixtures)
	})
}

func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// expect classifies err and checks the invariants every classified error
// keeps: the kind, a message, a hint (except Cancelled), the cause kept for
// the log, and no secret in what the UI receives.
func expect(t *testing.T, err error, kind apperr.Kind) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error, got nil", kind)
	}
	e := apperr.Classify(err)
	if e.Kind != kind {
		t.Fatalf("Classify(%v) kind = %s, want %s", err, e.Kind, kind)
	}
	if e.Message == "" {
		t.Errorf("empty message for %v", err)
	}
	if e.Hint == "" && kind != apperr.Cancelled {
		t.Errorf("empty hint for %v", err)
	}
	if e.Err == nil {
		t.Errorf("cause not kept for %v", err)
	}
	if e.Message != strings.ToLower(e.Message[:1])+e.Message[1:] {
		t.Errorf("message %q should start in lowercase", e.Message)
	}
	js, jerr := json.Marshal(apperr.Info(err))
	if jerr != nil {
		t.Fatal(jerr)
	}
	if cluster != nil && strings.Contains(string(js)+e.Error(), cluster.ScramPassword) {
		t.Errorf("password leaked: %s / %s", js, e.Error())
	}
	t.Logf("%s\n  info: %s", err, js)
	return e
}

// wantPg checks the SQLSTATE of a classified server error.
func wantPg(t *testing.T, e *apperr.Error, code string) *apperr.PgFields {
	t.Helper()
	if e.Pg == nil || e.Pg.Code != code {
		t.Fatalf("Pg = %+v, want SQLSTATE %s", e.Pg, code)
	}
	return e.Pg
}

func wantContains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s %q does not mention %q", what, s, sub)
		}
	}
}
