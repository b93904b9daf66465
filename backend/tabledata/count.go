package tabledata

import (
	"context"
	"strconv"
	"strings"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/ident"
)

// Count counts the rows matching f exactly (count(*) in a read-only
// transaction). On a big table this reads every row: run it only when the
// user asks, and cancel ctx to stop it (the server gets a CancelRequest;
// the connection survives).
func (r *Relation) Count(ctx context.Context, c Conn, f Filter) (int64, error) {
	p := &pager{r: r, req: PageRequest{Filter: f}, pg: c.PgConn()}
	p.where = r.where(f, &stmt{})
	if len(p.where.errs) > 0 {
		return 0, apperr.ValidationError(p.where.errs...)
	}
	if err := probeValues(ctx, p.pg, p.where.probes); err != nil {
		return 0, err
	}
	s := &stmt{}
	s.w("SELECT count(*) FROM ", r.Qualified())
	p.writeWhere(s, nil)
	res, err := readOnly(ctx, p.pg, s)
	if err != nil {
		return 0, rawFilterError(err)
	}
	if len(res[0].rows) == 0 || res[0].rows[0][0] == nil {
		return 0, nil
	}
	return strconv.ParseInt(*res[0].rows[0][0], 10, 64)
}

// Cell returns the whole value of one cell (nil for NULL) of the row with
// the given key values (by key column), e.g. one a page truncated. found is false when the
// row is gone.
func (r *Relation) Cell(ctx context.Context, c Conn, keyValues map[string]Value, column string) (value *string, found bool, err error) {
	col, ok := r.Column(column)
	if !ok {
		return nil, false, apperr.ValidationError(apperr.FieldError{Field: "column", Message: "there is no column " + strconv.Quote(column)})
	}
	if len(r.Key) == 0 {
		return nil, false, apperr.New(apperr.Validation, r.Qualified()+" has no key to find the row by")
	}
	key, errs := loadedCells(keyValues, "key")
	if len(errs) > 0 {
		return nil, false, apperr.ValidationError(errs...)
	}
	for _, k := range r.Key {
		if key[k] == nil {
			return nil, false, apperr.ValidationError(apperr.FieldError{Field: "key." + k, Message: "the value of key column " + strconv.Quote(k) + " is required"})
		}
	}
	s := &stmt{}
	s.w("SELECT ", ident.Quote(col.Name), " FROM ", r.Qualified(), " WHERE ")
	for i, k := range r.Key {
		if i > 0 {
			s.w(" AND ")
		}
		kc, _ := r.Column(k)
		s.w(ident.Quote(k), " = ")
		s.p(key[k], kc.numeric())
		if kc.baseType == "c" {
			s.w("::", kc.castType)
		}
	}
	res, err := readOnly(ctx, c.PgConn(), s)
	if err != nil {
		return nil, false, err
	}
	if len(res[0].rows) == 0 {
		return nil, false, nil
	}
	return res[0].rows[0][0], true, nil
}

// SelectSQL returns the SELECT a data tab runs for filter and sort, with
// its values written as literals ("Open as SQL"): every column by name,
// the filter, the full order (sort, then the key). limit 0 leaves LIMIT out.
// It fails with a Validation error for a filter or sort that does not fit
// the relation (values are not checked against their types).
func (r *Relation) SelectSQL(f Filter, sort []SortKey, limit int) (string, error) {
	p := &pager{r: r, req: PageRequest{Filter: f, Sort: sort}}
	var errs []apperr.FieldError
	p.order, errs = r.orderFor(sort)
	for _, o := range p.order {
		if o.index < 0 {
			p.hidden = append(p.hidden, o)
		}
	}
	p.where = r.where(f, &stmt{})
	errs = append(errs, p.where.errs...)
	if len(errs) > 0 {
		return "", apperr.ValidationError(errs...)
	}
	p.hidden = nil // system columns order the rows but are not shown
	s := p.selectStmt(nil)
	writeOrderBy(s, p.order)
	if limit > 0 {
		s.w(" LIMIT " + strconv.Itoa(limit))
	}
	return strings.TrimSpace(s.Review()) + ";", nil
}
