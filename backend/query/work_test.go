package query_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/query"
)

func TestOpenWorkListsRunningQueriesAndOpenTransactions(t *testing.T) {
	e := newEnv(t)
	if got := e.eng.OpenWork(); len(got) != 0 {
		t.Fatalf("before anything ran: %+v", got)
	}
	e.run(t, "idle", "select 1")
	e.run(t, "tx", "begin; create temp table t(x int)")
	e.run(t, "failed", "begin")
	e.run(t, "failed", "select 1/0")
	started, err := e.eng.Execute(query.Request{SessionID: "running", ConnectionID: e.connID, SQL: "select pg_sleep(30)"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let it reach the server

	got := fmt.Sprintf("%+v", e.eng.OpenWork())
	want := fmt.Sprintf("%+v", []query.OpenWork{
		{SessionID: "running", ConnectionID: e.connID, Running: true},
		{SessionID: "tx", ConnectionID: e.connID, Transaction: "in transaction"},
	})
	if got != want {
		t.Fatalf("open work = %s\nwant %s", got, want)
	}

	e.eng.Cancel(started.QueryID)
	if _, err := e.eng.Wait(context.Background(), started.QueryID); err != nil {
		t.Fatal(err)
	}
	e.run(t, "tx", "commit")
	if got := e.eng.OpenWork(); len(got) != 0 {
		t.Fatalf("after commit and cancel: %+v", got)
	}
}
