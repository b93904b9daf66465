package query

import "github.com/tusk-app/tusk/backend/resultset"

// PageWith is Page with options: a window of columns (a grid showing a few
// of a wide result's columns asks for those only) and the cell cap.
func (e *Engine) PageWith(id string, stmt int, offset, limit int64, opts resultset.PageOptions) (resultset.Page, error) {
	set, err := e.set(id, stmt)
	if err != nil {
		return resultset.Page{}, err
	}
	if limit <= 0 || limit > MaxPageRows {
		limit = MaxPageRows
	}
	return set.PageWith(offset, limit, opts)
}
