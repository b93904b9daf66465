package state

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/storage"
	"github.com/tusk-app/tusk/backend/tabledata"
)

// TableChanged is the payload of event.TableChanged.
type TableChanged struct {
	ConnectionID string `json:"connectionId"`
	OID          uint32 `json:"oid"`
	Schema       string `json:"schema"`
	Name         string `json:"name"`
	// Rows is the number of rows updated, inserted or deleted.
	Rows int `json:"rows"`
}

// OpenTable opens a relation of a connected connection for a data tab
// (Tables().Open) and returns the filter and sort remembered for it on
// that connection (nil when none).
func (s *State) OpenTable(ctx context.Context, connectionID string, ref tabledata.Ref) (tabledata.Table, *tabledata.View, error) {
	tb, err := s.tables.Open(ctx, connectionID, ref)
	if err != nil {
		return tabledata.Table{}, nil, err
	}
	raw, err := s.store.LoadUIState(ctx, tableViewKey(tb))
	switch {
	case err == nil:
		var v tabledata.View
		if json.Unmarshal(raw, &v) == nil {
			return tb, &v, nil
		}
	case !errors.Is(err, storage.ErrNotFound):
		s.log.WithError(err).Warn("could not read the remembered filter and sort of a table")
	}
	return tb, nil, nil
}

// SaveTableView remembers an open table's filter and sort on its
// connection, in the store's UI state; OpenTable returns them next time.
func (s *State) SaveTableView(ctx context.Context, handle string, v tabledata.View) error {
	tb, err := s.tables.Get(handle)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.store.SaveUIState(ctx, tableViewKey(tb), raw)
}

// tableViewKey is where a table's view is remembered: per connection and
// relation name (a table recreated under the same name keeps it), hashed
// to bound the key's length.
func tableViewKey(tb tabledata.Table) string {
	h := sha256.Sum256([]byte(tb.Relation.Schema + "\x00" + tb.Relation.Name))
	return "tabledata.view:" + tb.ConnectionID + ":" + hex.EncodeToString(h[:16])
}

// CommitTable applies changes to an open table (Tables().Commit) and, when
// they were applied, tells the UI through table:changed.
func (s *State) CommitTable(ctx context.Context, handle string, changes []tabledata.Change) (tabledata.CommitResult, error) {
	res, err := s.tables.Commit(ctx, handle, changes)
	if err != nil || !res.Committed {
		return res, err
	}
	if tb, err := s.tables.Get(handle); err == nil {
		r := tb.Relation
		s.emit.Emit(event.TableChanged, TableChanged{ConnectionID: tb.ConnectionID, OID: r.OID, Schema: r.Schema, Name: r.Name, Rows: res.Statements})
	}
	return res, nil
}

// OpenResultTable decides whether statement stmt of query queryID returned
// a result that can be edited like a table, and when it can opens that
// table (Tables().OpenResult).
func (s *State) OpenResultTable(ctx context.Context, queryID string, stmt int) (tabledata.ResultTable, error) {
	set, err := s.engine.ResultSet(queryID, stmt)
	if err != nil {
		return tabledata.ResultTable{}, err
	}
	sum, err := s.engine.Summary(queryID)
	if err != nil {
		return tabledata.ResultTable{}, err
	}
	cols := set.Columns()
	rc := make([]tabledata.ResultColumn, len(cols))
	for i, c := range cols {
		rc[i] = tabledata.ResultColumn{Name: c.Name, TableOID: c.TableOID, Number: c.TableColumn}
	}
	return s.tables.OpenResult(ctx, sum.ConnectionID, rc)
}
