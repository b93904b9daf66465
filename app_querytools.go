package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/explain"
	"github.com/tusk-app/tusk/backend/exportfile"
	"github.com/tusk-app/tusk/backend/jobs"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
	"github.com/tusk-app/tusk/backend/storage"
)

// The query tools: EXPLAIN and the plan view, comparing plans, sorting and
// filtering a stored result, safe mode and manual commit.

// PlanRequest names a statement of a query whose result is a plan.
type PlanRequest struct {
	QueryID   string `json:"queryId"`
	Statement int    `json:"statement"`
	argErr
}

func (r *PlanRequest) UnmarshalJSON(b []byte) error {
	type plain PlanRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// PlanSource is where a plan comes from: a query's result (QueryID and
// Statement), a history entry (HistoryID), or EXPLAIN (FORMAT JSON) text
// the UI kept (JSON, e.g. Plan.raw of an earlier run). The first one set
// wins, in that order.
type PlanSource struct {
	QueryID   string `json:"queryId"`
	Statement int    `json:"statement"`
	HistoryID int64  `json:"historyId"`
	JSON      string `json:"json"`
	argErr
}

func (r *PlanSource) UnmarshalJSON(b []byte) error {
	type plain PlanSource
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ComparePlansRequest compares plan B (usually the later run) with plan A.
type ComparePlansRequest struct {
	A PlanSource `json:"a"`
	B PlanSource `json:"b"`
	argErr
}

func (r *ComparePlansRequest) UnmarshalJSON(b []byte) error {
	type plain ComparePlansRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ExportPlanRequest writes a plan to a file.
type ExportPlanRequest struct {
	Source PlanSource `json:"source"`
	// Format is "json" (the server's EXPLAIN output, which other plan
	// viewers read) or "text" (EXPLAIN's text layout).
	Format string `json:"format"`
	// Path skips the save dialog when set.
	Path string `json:"path"`
	argErr
}

func (r *ExportPlanRequest) UnmarshalJSON(b []byte) error {
	type plain ExportPlanRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ResultViewRequest sorts and filters a statement's stored rows.
type ResultViewRequest struct {
	QueryID   string             `json:"queryId"`
	Statement int                `json:"statement"`
	Spec      resultset.ViewSpec `json:"spec"`
	// FirstPage is how many rows of the view come back at once (0: 200).
	FirstPage int `json:"firstPage"`
	argErr
}

func (r *ResultViewRequest) UnmarshalJSON(b []byte) error {
	type plain ResultViewRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// SessionRequest names an editor tab's session.
type SessionRequest struct {
	SessionID    string `json:"sessionId"`
	ConnectionID string `json:"connectionId"`
	argErr
}

func (r *SessionRequest) UnmarshalJSON(b []byte) error {
	type plain SessionRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// ExplainRequest asks for an EXPLAIN of one statement (see
// query.ExplainRequest).
type ExplainRequest struct {
	query.ExplainRequest
	argErr
}

func (r *ExplainRequest) UnmarshalJSON(b []byte) error {
	type plain ExplainRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// HistoryPlanRequest names a history entry whose plan was saved.
type HistoryPlanRequest struct {
	HistoryID int64 `json:"historyId"`
	argErr
}

func (r *HistoryPlanRequest) UnmarshalJSON(b []byte) error {
	type plain HistoryPlanRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// CheckSafety says what safe mode will do with a request before it runs
// (query.Guard): the UI shows its own confirmation and then executes with
// confirmDangerous set.
func (a *App) CheckSafety(req ExecuteRequest) (query.Guard, error) {
	st, err := a.begin(req)
	if err != nil {
		return query.Guard{}, err
	}
	return st.Queries().Check(req.Request)
}

// ExplainOptions lists the EXPLAIN options the server of a tab's
// connection supports.
func (a *App) ExplainOptions(req SessionRequest) (query.ExplainSupport, error) {
	st, err := a.begin(req)
	if err != nil {
		return query.ExplainSupport{}, err
	}
	return st.Queries().ExplainOptions(a.ctx0(), req.SessionID, req.ConnectionID)
}

// PrepareExplain says what Explain would run, and whether it runs inside
// BEGIN … ROLLBACK, without running anything.
func (a *App) PrepareExplain(req ExplainRequest) (query.ExplainInfo, error) {
	st, err := a.begin(req)
	if err != nil {
		return query.ExplainInfo{}, err
	}
	return st.Queries().PrepareExplain(a.ctx0(), req.ExplainRequest)
}

// Explain runs EXPLAIN (FORMAT JSON, …) of one statement in the tab's
// session and returns at once; query:* events follow as for Execute, and
// QueryPlan reads the plan once query:done arrived.
func (a *App) Explain(req ExplainRequest) (query.ExplainStarted, error) {
	st, err := a.begin(req)
	if err != nil {
		return query.ExplainStarted{}, err
	}
	return st.Queries().Explain(a.ctx0(), req.ExplainRequest)
}

// QueryPlan analyses the plan a statement of a query returned.
func (a *App) QueryPlan(req PlanRequest) (*explain.Plan, error) {
	if bad := req.argError(); bad != nil {
		return nil, bad
	}
	return a.plan(PlanSource{QueryID: req.QueryID, Statement: req.Statement})
}

// HistoryPlan analyses the plan saved with a history entry
// (HistoryEntry.hasPlan).
func (a *App) HistoryPlan(req HistoryPlanRequest) (*explain.Plan, error) {
	if bad := req.argError(); bad != nil {
		return nil, bad
	}
	return a.plan(PlanSource{HistoryID: req.HistoryID})
}

// PlanText renders a plan in EXPLAIN's text layout, for the raw plan tab.
func (a *App) PlanText(src PlanSource) (string, error) {
	if bad := src.argError(); bad != nil {
		return "", bad
	}
	p, err := a.plan(src)
	if err != nil {
		return "", err
	}
	return p.Text(), nil
}

// ComparePlans matches the nodes of two plans and reports the change in
// time and rows per node and in total.
func (a *App) ComparePlans(req ComparePlansRequest) (explain.Comparison, error) {
	for _, r := range []request{req, req.A, req.B} {
		if bad := r.argError(); bad != nil {
			return explain.Comparison{}, bad
		}
	}
	pa, err := a.plan(req.A)
	if err != nil {
		return explain.Comparison{}, fmt.Errorf("the first plan: %w", err)
	}
	pb, err := a.plan(req.B)
	if err != nil {
		return explain.Comparison{}, fmt.Errorf("the second plan: %w", err)
	}
	return explain.Compare(pa, pb), nil
}

// ExportPlan writes a plan as JSON or text to a file the user picks (a
// cancelled dialog returns an empty path).
func (a *App) ExportPlan(req ExportPlanRequest) (string, error) {
	for _, r := range []request{req, req.Source} {
		if bad := r.argError(); bad != nil {
			return "", bad
		}
	}
	p, err := a.plan(req.Source)
	if err != nil {
		return "", err
	}
	var body, ext string
	switch req.Format {
	case "json":
		body, ext = p.Raw, ".json"
	case "text":
		body, ext = p.Text(), ".txt"
	default:
		return "", apperr.ValidationError(apperr.FieldError{Field: "format", Message: "the format must be json or text"})
	}
	path := req.Path
	if path == "" {
		path, err = a.desk.shell().SaveFileDialog(runtime.SaveDialogOptions{Title: "Export plan", DefaultFilename: "plan" + ext, CanCreateDirectories: true})
		if err != nil || path == "" {
			return "", err
		}
	}
	if filepath.Ext(path) == "" {
		path += ext
	}
	if err := exportfile.WriteFile(path, []byte(body)); err != nil {
		return "", fmt.Errorf("export plan to %s: %w", path, err)
	}
	return path, nil
}

// plan reads and analyses the plan src names.
func (a *App) plan(src PlanSource) (*explain.Plan, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	switch {
	case src.QueryID != "":
		return st.Queries().Plan(src.QueryID, src.Statement)
	case src.HistoryID != 0:
		raw, err := st.Store().LoadHistoryPlan(a.ctx0(), src.HistoryID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, apperr.New(apperr.Validation, "this history entry has no plan").WithHint("Plans are kept for EXPLAIN runs with FORMAT JSON, as the Explain command does.")
		}
		if err != nil {
			return nil, err
		}
		return query.ParsePlan(raw)
	case src.JSON != "":
		return query.ParsePlan(src.JSON)
	}
	return nil, apperr.ValidationError(apperr.FieldError{Field: "source", Message: "name a query, a history entry or a plan's JSON"})
}

// SetResultView sorts and filters a statement's stored rows without running
// the query again; pages, exports and copies then follow the view.
func (a *App) SetResultView(req ResultViewRequest) (query.ViewResult, error) {
	st, err := a.begin(req)
	if err != nil {
		return query.ViewResult{}, err
	}
	return st.Queries().SetView(a.ctx0(), req.QueryID, req.Statement, req.Spec, req.FirstPage)
}

// ClearResultView shows a statement's rows unsorted and unfiltered again.
func (a *App) ClearResultView(req PlanRequest) (resultset.ViewInfo, error) {
	st, err := a.begin(req)
	if err != nil {
		return resultset.ViewInfo{}, err
	}
	return st.Queries().ClearView(req.QueryID, req.Statement)
}

// Commit commits the open transaction of a tab's session (manual-commit
// mode) and returns its transaction state afterwards.
func (a *App) Commit(req SessionRef) (string, error) {
	if bad := req.argError(); bad != nil {
		return "", bad
	}
	return a.endTransaction(req.SessionID, true)
}

// Rollback rolls back the open transaction of a tab's session and returns
// its transaction state afterwards.
func (a *App) Rollback(req SessionRef) (string, error) {
	if bad := req.argError(); bad != nil {
		return "", bad
	}
	return a.endTransaction(req.SessionID, false)
}

func (a *App) endTransaction(sessionID string, commit bool) (string, error) {
	st, err := a.state()
	if err != nil {
		return "", err
	}
	// A COMMIT on a slow or silent network may take long, and its outcome
	// must not be guessed: past the call's bound it goes on as a job.
	return jobs.Run(&a.jobs, st.Go, "", answerWithin, func(ctx context.Context) (string, error) {
		return st.Queries().EndTransaction(ctx, sessionID, commit)
	})
}
