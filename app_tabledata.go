package main

import (
	"context"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/jobs"
	"github.com/tusk-app/tusk/backend/tabledata"
)

// OpenTableRequest names a relation of a connected connection: by OID when
// it is not 0, else by schema and name as the catalog spells them.
type OpenTableRequest struct {
	ConnectionID string `json:"connectionId"`
	Schema       string `json:"schema"`
	Name         string `json:"name"`
	OID          uint32 `json:"oid"`
	argErr
}

func (r *OpenTableRequest) UnmarshalJSON(b []byte) error {
	type plain OpenTableRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// TableInfo is a relation opened for a data tab and the filter and sort
// remembered for it on this connection (nil when none).
type TableInfo struct {
	Table tabledata.Table `json:"table"`
	View  *tabledata.View `json:"view"`
}

// TablePageRequest asks for a page of an open table. JobID names the
// read should it outlast the call (see AwaitJob); "" for a fresh name.
type TablePageRequest struct {
	Handle string                `json:"handle"`
	Page   tabledata.PageRequest `json:"page"`
	JobID  string                `json:"jobId"`
	argErr
}

func (r *TablePageRequest) UnmarshalJSON(b []byte) error {
	type plain TablePageRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// TableCountRequest asks for the exact number of rows matching a filter.
// CountID names the count for CancelTableCount and, should it outlast the
// call, for AwaitJob ("" for a fresh name).
type TableCountRequest struct {
	Handle  string           `json:"handle"`
	Filter  tabledata.Filter `json:"filter"`
	CountID string           `json:"countId"`
	argErr
}

func (r *TableCountRequest) UnmarshalJSON(b []byte) error {
	type plain TableCountRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// TableCellRequest asks for the whole value of one cell, the row found by
// its key values.
type TableCellRequest struct {
	Handle string                     `json:"handle"`
	Key    map[string]tabledata.Value `json:"key"`
	Column string                     `json:"column"`
	argErr
}

func (r *TableCellRequest) UnmarshalJSON(b []byte) error {
	type plain TableCellRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// TableCell is a cell's whole value (nil for NULL); Found is false when the
// row is gone.
type TableCell struct {
	Value *string `json:"value"`
	Found bool    `json:"found"`
}

// TableSQLRequest asks for the SELECT a data tab runs ("Open as SQL").
type TableSQLRequest struct {
	Handle string              `json:"handle"`
	Filter tabledata.Filter    `json:"filter"`
	Sort   []tabledata.SortKey `json:"sort"`
	// Limit adds LIMIT; 0 leaves it out.
	Limit int `json:"limit"`
	argErr
}

func (r *TableSQLRequest) UnmarshalJSON(b []byte) error {
	type plain TableSQLRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// TableChangesRequest carries a data tab's pending changes, in the order
// they are to run. JobID names the commit should it outlast the call (see
// AwaitJob); "" for a fresh name; a review ignores it.
type TableChangesRequest struct {
	Handle  string             `json:"handle"`
	Changes []tabledata.Change `json:"changes"`
	JobID   string             `json:"jobId"`
	argErr
}

func (r *TableChangesRequest) UnmarshalJSON(b []byte) error {
	type plain TableChangesRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// TableViewRequest remembers a table's filter and sort on its connection.
type TableViewRequest struct {
	Handle string         `json:"handle"`
	View   tabledata.View `json:"view"`
	argErr
}

func (r *TableViewRequest) UnmarshalJSON(b []byte) error {
	type plain TableViewRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ResultTableRequest asks whether a statement's result can be edited.
type ResultTableRequest struct {
	QueryID   string `json:"queryId"`
	Statement int    `json:"statement"`
	argErr
}

func (r *ResultTableRequest) UnmarshalJSON(b []byte) error {
	type plain ResultTableRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// TableRef names a table opened by OpenTable.
type TableRef struct {
	Handle string `json:"handle"`
	argErr
}

func (r *TableRef) UnmarshalJSON(b []byte) error {
	type plain TableRef
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// CountRef names a running CountTableRows.
type CountRef struct {
	CountID string `json:"countId"`
	argErr
}

func (r *CountRef) UnmarshalJSON(b []byte) error {
	type plain CountRef
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// OpenTable opens a table, view, materialized view, partitioned or foreign
// table for a data tab: its columns, key, editability, and the filter and
// sort last used on it. The handle names it in the other table calls until
// CloseTable (or a disconnect).
func (a *App) OpenTable(req OpenTableRequest) (TableInfo, error) {
	st, err := a.begin(req)
	if err != nil {
		return TableInfo{}, err
	}
	if req.ConnectionID == "" || (req.OID == 0 && (req.Schema == "" || req.Name == "")) {
		return TableInfo{}, apperr.ValidationError(apperr.FieldError{Field: "name", Message: "a connection and a table (schema and name, or OID) are required"})
	}
	return within(st, func(ctx context.Context) (TableInfo, error) {
		tb, view, err := st.OpenTable(ctx, req.ConnectionID, tabledata.Ref{Schema: req.Schema, Name: req.Name, OID: req.OID})
		if err != nil {
			return TableInfo{}, err
		}
		return TableInfo{Table: tb, View: view}, nil
	}, serverLate)
}

// RefreshTable describes an open table again (after its columns changed).
func (a *App) RefreshTable(req TableRef) (tabledata.Table, error) {
	st, err := a.begin(req)
	if err != nil {
		return tabledata.Table{}, err
	}
	return within(st, func(ctx context.Context) (tabledata.Table, error) {
		return st.Tables().Refresh(ctx, req.Handle)
	}, serverLate)
}

// CloseTable forgets an open table (its data tab closed).
func (a *App) CloseTable(req TableRef) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	st.Tables().Close(req.Handle)
	return nil
}

// TablePage reads a page of an open table: first, last, after or before a
// cursor, at a fraction, or at an offset (see tabledata.Seek). A read that
// outlasts CallBound (a filter no index serves, a silent network) goes on
// as the job req.JobID.
func (a *App) TablePage(req TablePageRequest) (tabledata.Page, error) {
	st, err := a.begin(req)
	if err != nil {
		return tabledata.Page{}, err
	}
	return jobs.Run(&a.jobs, st.Go, req.JobID, answerWithin, func(ctx context.Context) (tabledata.Page, error) {
		return st.Tables().Page(ctx, req.Handle, req.Page)
	})
}

// CountTableRows counts the rows matching a filter exactly; it can take as
// long as reading the table, so past CallBound it goes on as the job
// req.CountID. CancelTableCount stops it (it then fails with a Cancelled
// error).
func (a *App) CountTableRows(req TableCountRequest) (int64, error) {
	st, err := a.begin(req)
	if err != nil {
		return 0, err
	}
	return jobs.Run(&a.jobs, st.Go, req.CountID, answerWithin, func(ctx context.Context) (int64, error) {
		n, err := st.Tables().Count(ctx, req.Handle, req.Filter)
		if err != nil {
			return 0, apperr.ClassifyContext(ctx, err)
		}
		return n, nil
	})
}

// CancelTableCount stops a running count; false when it had finished.
func (a *App) CancelTableCount(req CountRef) (bool, error) {
	if bad := req.argError(); bad != nil {
		return false, bad
	}
	return a.jobs.Cancel(req.CountID), nil
}

// TableCellValue returns the whole value of a cell a page truncated.
func (a *App) TableCellValue(req TableCellRequest) (TableCell, error) {
	st, err := a.begin(req)
	if err != nil {
		return TableCell{}, err
	}
	return within(st, func(ctx context.Context) (TableCell, error) {
		v, found, err := st.Tables().Cell(ctx, req.Handle, req.Key, req.Column)
		return TableCell{Value: v, Found: found}, err
	}, serverLate)
}

// TableSelectSQL returns the SELECT an open table's data tab runs, values
// as literals ("Open as SQL").
func (a *App) TableSelectSQL(req TableSQLRequest) (string, error) {
	st, err := a.begin(req)
	if err != nil {
		return "", err
	}
	tb, err := st.Tables().Get(req.Handle)
	if err != nil {
		return "", err
	}
	return tb.Relation.SelectSQL(req.Filter, req.Sort, req.Limit)
}

// ReviewTableChanges returns the statements pending changes become, and
// the whole transaction with values as literals, after checking every
// value against its column's type on the server. Nothing is written.
func (a *App) ReviewTableChanges(req TableChangesRequest) (*tabledata.Plan, error) {
	st, err := a.begin(req)
	if err != nil {
		return nil, err
	}
	return within(st, func(ctx context.Context) (*tabledata.Plan, error) {
		return st.Tables().Review(ctx, req.Handle, req.Changes)
	}, serverLate)
}

// CommitTableChanges applies pending changes in one transaction on a
// connection of its own. The result says whether all were applied (with
// the touched rows as stored) or none (with the change, the cell and the
// reason; a conflict carries the row's current values). table:changed
// (state.TableChanged) follows a commit. A commit that outlasts CallBound
// goes on as the job req.JobID: its outcome is never lost, AwaitJob gives it.
func (a *App) CommitTableChanges(req TableChangesRequest) (tabledata.CommitResult, error) {
	st, err := a.begin(req)
	if err != nil {
		return tabledata.CommitResult{}, err
	}
	return jobs.Run(&a.jobs, st.Go, req.JobID, answerWithin, func(ctx context.Context) (tabledata.CommitResult, error) {
		return st.CommitTable(ctx, req.Handle, req.Changes)
	})
}

// SaveTableView remembers a table's filter and sort on its connection;
// OpenTable returns them next time.
func (a *App) SaveTableView(req TableViewRequest) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.SaveTableView(a.ctx0(), req.Handle, req.View)
}

// OpenResultTable says whether a statement's result can be edited like a
// table (every column from one table, its key among them) and, when it
// can, opens that table: edits then go through ReviewTableChanges and
// CommitTableChanges with its handle, cells named by Columns.
func (a *App) OpenResultTable(req ResultTableRequest) (tabledata.ResultTable, error) {
	st, err := a.begin(req)
	if err != nil {
		return tabledata.ResultTable{}, err
	}
	return within(st, func(ctx context.Context) (tabledata.ResultTable, error) {
		return st.OpenResultTable(ctx, req.QueryID, req.Statement)
	}, serverLate)
}
