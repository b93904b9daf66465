package main

import (
	"testing"

	"github.com/tusk-app/tusk/backend/apperr"
)

// The bound table API checks its input and names unknown tables; the
// paths against a server are tested in backend/state and backend/tabledata.
func TestTableAPIRejectsBadInput(t *testing.T) {
	app, _ := newTestApp(t)
	if _, err := app.OpenTable(OpenTableRequest{ConnectionID: "c"}); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("open without a table: %v", err)
	}
	if _, err := app.OpenTable(OpenTableRequest{Schema: "public", Name: "t"}); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("open without a connection: %v", err)
	}
	if _, err := app.OpenTable(OpenTableRequest{ConnectionID: "c", Schema: "public", Name: "t"}); apperr.KindOf(err) != apperr.Connection {
		t.Errorf("open on a closed connection: %v", err)
	}
	if _, err := app.TablePage(TablePageRequest{Handle: "nope"}); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("page of an unknown table: %v", err)
	}
	if _, err := app.CommitTableChanges(TableChangesRequest{Handle: "nope"}); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("commit to an unknown table: %v", err)
	}
	if ok, err := app.CancelTableCount(CountRef{CountID: "nope"}); ok || err != nil {
		t.Errorf("cancelled a count that never ran: %v %v", ok, err)
	}
	if err := app.CloseTable(TableRef{Handle: "nope"}); err != nil {
		t.Errorf("close of an unknown table: %v", err)
	}
	if _, err := app.AwaitJob(JobRef{JobID: "nope"}); apperr.KindOf(err) != apperr.Cancelled {
		t.Errorf("await of an unknown job: %v", err)
	}
	if ok, err := app.CancelJob(JobRef{JobID: "nope"}); ok || err != nil {
		t.Errorf("cancelled a job that never ran: %v %v", ok, err)
	}
}
