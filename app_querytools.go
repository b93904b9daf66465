package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/explain"
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
}

// ComparePlansRequest compares plan B (usually the later run) with plan A.
type ComparePlansRequest struct {
	A PlanSource `json:"a"`
	B PlanSource `json:"b"`
}

// ExportPlanRequest writes a plan to a file.
type ExportPlanRequest struct {
	Source PlanSource `json:"source"`
	// Format is "json" (the server's EXPLAIN output, which other plan
	// viewers read) or "text" (EXPLAIN's text layout).
	Format string `json:"format"`
	// Path skips the save dialog when set.
	Path string `json:"path"`
}

// ResultViewRequest sorts and filters a statement's stored rows.
type ResultViewRequest struct {
	QueryID   string             `json:"queryId"`
	Statement int                `json:"statement"`
	Spec      resultset.ViewSpec `json:"spec"`
	// FirstPage is how many rows of the view come back at once (0: 200).
	FirstPage int `json:"firstPage"`
}

// SessionRequest names an editor tab's session.
type SessionRequest struct {
	SessionID    string `json:"sessionId"`
	ConnectionID string `json:"connectionId"`
}

// CheckSafety says what safe mode will do with a request before it runs
// (query.Guard): the UI shows its own confirmation and then executes with
// confirmDangerous set.
func (a *App) CheckSafety(req query.Request) (query.Guard, error) {
	st, err := a.state()
	if err != nil {
		return query.Guard{}, err
	}
	return st.Queries().Check(req)
}

// ExplainOptions lists the EXPLAIN options the server of a tab's
// connection supports.
func (a *App) ExplainOptions(req SessionRequest) (query.ExplainSupport, error) {
	st, err := a.state()
	if err != nil {
		return query.ExplainSupport{}, err
	}
	return st.Queries().ExplainOptions(a.ctx0(), req.SessionID, req.ConnectionID)
}

// PrepareExplain says what Explain would run, and whether it runs inside
// BEGIN … ROLLBACK, without running anything.
func (a *App) PrepareExplain(req query.ExplainRequest) (query.ExplainInfo, error) {
	st, err := a.state()
	if err != nil {
		return query.ExplainInfo{}, err
	}
	return st.Queries().PrepareExplain(a.ctx0(), req)
}

// Explain runs EXPLAIN (FORMAT JSON, …) of one statement in the tab's
// session and returns at once; query:* events follow as for Execute, and
// QueryPlan reads the plan once query:done arrived.
func (a *App) Explain(req query.ExplainRequest) (query.ExplainStarted, error) {
	st, err := a.state()
	if err != nil {
		return query.ExplainStarted{}, err
	}
	return st.Queries().Explain(a.ctx0(), req)
}

// QueryPlan analyses the plan a statement of a query returned.
func (a *App) QueryPlan(req PlanRequest) (*explain.Plan, error) {
	return a.plan(PlanSource{QueryID: req.QueryID, Statement: req.Statement})
}

// HistoryPlan analyses the plan saved with a history entry
// (HistoryEntry.hasPlan).
func (a *App) HistoryPlan(historyID int64) (*explain.Plan, error) {
	return a.plan(PlanSource{HistoryID: historyID})
}

// PlanText renders a plan in EXPLAIN's text layout, for the raw plan tab.
func (a *App) PlanText(src PlanSource) (string, error) {
	p, err := a.plan(src)
	if err != nil {
		return "", err
	}
	return p.Text(), nil
}

// ComparePlans matches the nodes of two plans and reports the change in
// time and rows per node and in total.
func (a *App) ComparePlans(req ComparePlansRequest) (explain.Comparison, error) {
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
		path, err = runtime.SaveFileDialog(a.ctx0(), runtime.SaveDialogOptions{Title: "Export plan", DefaultFilename: "plan" + ext, CanCreateDirectories: true})
		if err != nil || path == "" {
			return "", err
		}
	}
	if filepath.Ext(path) == "" {
		path += ext
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
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
	st, err := a.state()
	if err != nil {
		return query.ViewResult{}, err
	}
	return st.Queries().SetView(a.ctx0(), req.QueryID, req.Statement, req.Spec, req.FirstPage)
}

// ClearResultView shows a statement's rows unsorted and unfiltered again.
func (a *App) ClearResultView(req PlanRequest) (resultset.ViewInfo, error) {
	st, err := a.state()
	if err != nil {
		return resultset.ViewInfo{}, err
	}
	return st.Queries().ClearView(req.QueryID, req.Statement)
}

// Commit commits the open transaction of a tab's session (manual-commit
// mode) and returns its transaction state afterwards.
func (a *App) Commit(sessionID string) (string, error) {
	return a.endTransaction(sessionID, true)
}

// Rollback rolls back the open transaction of a tab's session and returns
// its transaction state afterwards.
func (a *App) Rollback(sessionID string) (string, error) {
	return a.endTransaction(sessionID, false)
}

func (a *App) endTransaction(sessionID string, commit bool) (string, error) {
	st, err := a.state()
	if err != nil {
		return "", err
	}
	return st.Queries().EndTransaction(context.WithoutCancel(a.ctx0()), sessionID, commit)
}
