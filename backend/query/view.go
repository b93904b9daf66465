package query

import (
	"context"
	"errors"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/resultset"
)

// ViewResult is what SetView returns: the view and its first page, so the
// grid repaints without another call.
type ViewResult struct {
	Info resultset.ViewInfo `json:"info"`
	Page resultset.Page     `json:"page"`
}

// SetView sorts and filters statement stmt's stored rows of query id (see
// resultset.ViewSpec) and returns the first firstPage rows of the view
// (DefaultFirstPage when 0). Pages, exports and copies follow the view
// until ClearView or the next query of the tab. A query still running is
// a Validation error; a newer SetView of the same rows makes this one a
// Cancelled error.
func (e *Engine) SetView(ctx context.Context, id string, stmt int, spec resultset.ViewSpec, firstPage int) (ViewResult, error) {
	set, err := e.set(id, stmt)
	if err != nil {
		return ViewResult{}, err
	}
	info, err := set.SetView(ctx, spec)
	switch {
	case errors.Is(err, resultset.ErrRunning):
		return ViewResult{}, apperr.New(apperr.Validation, "the query is still running").WithHint("Sort and filter once all rows have arrived, or cancel the query.")
	case errors.Is(err, context.Canceled):
		return ViewResult{}, apperr.New(apperr.Cancelled, "a newer sort or filter replaced this one")
	case errors.Is(err, resultset.ErrClosed):
		return ViewResult{}, apperr.New(apperr.Validation, "these results were released").WithHint("Run the query again.")
	case err != nil:
		return ViewResult{}, apperr.ValidationError(apperr.FieldError{Field: "spec", Message: err.Error()})
	}
	if firstPage <= 0 {
		firstPage = DefaultFirstPage
	}
	page, err := set.Page(0, int64(min(firstPage, MaxPageRows)))
	if err != nil {
		return ViewResult{}, err
	}
	return ViewResult{Info: info, Page: page}, nil
}

// ClearView shows statement stmt's rows of query id in the server's order
// again, unfiltered.
func (e *Engine) ClearView(id string, stmt int) (resultset.ViewInfo, error) {
	set, err := e.set(id, stmt)
	if err != nil {
		return resultset.ViewInfo{}, err
	}
	return set.ClearView(), nil
}
