package tabledata

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
)

// View is what a data tab remembers of a table per connection: its filter
// and sort.
type View struct {
	Filter Filter    `json:"filter"`
	Sort   []SortKey `json:"sort"`
}

// Table is a relation opened for a data tab (or an editable query result):
// Handle names it in later calls.
type Table struct {
	Handle       string    `json:"handle"`
	ConnectionID string    `json:"connectionId"`
	Relation     *Relation `json:"relation"`
}

// Deps are the registry's links to the rest of the app.
type Deps struct {
	// Pool returns the open pool of a connection.
	Pool func(connectionID string) (*connection.Pool, bool)
}

// Tables keeps the relations that data tabs have open, by handle, and runs
// their pages, counts and commits on connections of the connection's pool:
// one per call, never an editor tab's session. Safe for concurrent use.
type Tables struct {
	deps Deps

	mu   sync.Mutex // guards open
	open map[string]Table
}

// NewTables returns an empty registry.
func NewTables(deps Deps) *Tables {
	return &Tables{deps: deps, open: map[string]Table{}}
}

// errClosed is the error for a handle the registry does not know.
func errClosed() error {
	return apperr.New(apperr.Validation, "this table is no longer open").WithHint("Open it again from the schema tree (its connection may have been closed).")
}

// acquire takes a connection of connectionID's pool.
func (t *Tables) acquire(ctx context.Context, connectionID string) (*connection.Conn, DescribeOptions, error) {
	pool, ok := t.deps.Pool(connectionID)
	if !ok {
		return nil, DescribeOptions{}, apperr.New(apperr.Connection, "the connection is not open").WithHint("Connect first.")
	}
	c, err := pool.Acquire(ctx)
	if err != nil {
		return nil, DescribeOptions{}, err
	}
	return c, DescribeOptions{ReadOnly: pool.Config().Options.ReadOnly}, nil
}

// Open describes a relation of a connection and registers it under a new
// handle.
func (t *Tables) Open(ctx context.Context, connectionID string, ref Ref) (Table, error) {
	c, opts, err := t.acquire(ctx, connectionID)
	if err != nil {
		return Table{}, err
	}
	defer c.Release()
	rel, err := Describe(ctx, c, ref, opts)
	if err != nil {
		return Table{}, err
	}
	return t.add(connectionID, rel), nil
}

func (t *Tables) add(connectionID string, rel *Relation) Table {
	tb := Table{Handle: uuid.NewString(), ConnectionID: connectionID, Relation: rel}
	t.mu.Lock()
	t.open[tb.Handle] = tb
	t.mu.Unlock()
	return tb
}

// Get returns an open table.
func (t *Tables) Get(handle string) (Table, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tb, ok := t.open[handle]
	if !ok {
		return Table{}, errClosed()
	}
	return tb, nil
}

// Refresh describes an open table again (after DDL), keeping its handle.
func (t *Tables) Refresh(ctx context.Context, handle string) (Table, error) {
	tb, err := t.Get(handle)
	if err != nil {
		return Table{}, err
	}
	c, opts, err := t.acquire(ctx, tb.ConnectionID)
	if err != nil {
		return Table{}, err
	}
	defer c.Release()
	rel, err := Describe(ctx, c, Ref{OID: tb.Relation.OID}, opts)
	if err != nil {
		return Table{}, err
	}
	tb.Relation = rel
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.open[handle]; !ok {
		return Table{}, errClosed()
	}
	t.open[handle] = tb
	return tb, nil
}

// Close forgets a handle; closing an unknown one does nothing.
func (t *Tables) Close(handle string) {
	t.mu.Lock()
	delete(t.open, handle)
	t.mu.Unlock()
}

// Disconnected forgets every table of a connection whose pool is closing.
func (t *Tables) Disconnected(connectionID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for h, tb := range t.open {
		if tb.ConnectionID == connectionID {
			delete(t.open, h)
		}
	}
}

// with runs fn on a pooled connection of an open table.
func (t *Tables) with(ctx context.Context, handle string, fn func(tb Table, c *connection.Conn) error) error {
	tb, err := t.Get(handle)
	if err != nil {
		return err
	}
	c, _, err := t.acquire(ctx, tb.ConnectionID)
	if err != nil {
		return err
	}
	defer c.Release()
	return fn(tb, c)
}

// Page reads a page of an open table (see Relation.Page).
func (t *Tables) Page(ctx context.Context, handle string, req PageRequest) (Page, error) {
	var p Page
	err := t.with(ctx, handle, func(tb Table, c *connection.Conn) (err error) {
		p, err = tb.Relation.Page(ctx, c, req)
		return err
	})
	return p, err
}

// Count counts the rows of an open table matching f (see Relation.Count).
func (t *Tables) Count(ctx context.Context, handle string, f Filter) (int64, error) {
	var n int64
	err := t.with(ctx, handle, func(tb Table, c *connection.Conn) (err error) {
		n, err = tb.Relation.Count(ctx, c, f)
		return err
	})
	return n, err
}

// Cell returns one whole cell of an open table (see Relation.Cell).
func (t *Tables) Cell(ctx context.Context, handle string, key map[string]Value, column string) (*string, bool, error) {
	var (
		v     *string
		found bool
	)
	err := t.with(ctx, handle, func(tb Table, c *connection.Conn) (err error) {
		v, found, err = tb.Relation.Cell(ctx, c, key, column)
		return err
	})
	return v, found, err
}

// Review plans changes to an open table and checks their values (see
// Relation.Review).
func (t *Tables) Review(ctx context.Context, handle string, changes []Change) (*Plan, error) {
	var p *Plan
	err := t.with(ctx, handle, func(tb Table, c *connection.Conn) (err error) {
		p, err = tb.Relation.Review(ctx, c, changes)
		return err
	})
	return p, err
}

// Commit applies changes to an open table in one transaction on a pooled
// connection of its own (see Relation.Commit).
func (t *Tables) Commit(ctx context.Context, handle string, changes []Change) (CommitResult, error) {
	var res CommitResult
	err := t.with(ctx, handle, func(tb Table, c *connection.Conn) (err error) {
		res, err = tb.Relation.Commit(ctx, c, changes)
		return err
	})
	return res, err
}

// OpenResult decides whether a query result of a connection can be edited
// (see DescribeResult) and, when it can, registers its table under a new
// handle.
func (t *Tables) OpenResult(ctx context.Context, connectionID string, cols []ResultColumn) (ResultTable, error) {
	c, opts, err := t.acquire(ctx, connectionID)
	if err != nil {
		return ResultTable{}, err
	}
	defer c.Release()
	rt, err := DescribeResult(ctx, c, cols, opts)
	if err != nil {
		return ResultTable{}, err
	}
	out := ResultTable{Editable: rt.Editable, Reason: rt.Reason, Columns: rt.Columns}
	if rt.Editable {
		tb := t.add(connectionID, rt.Relation)
		out.Table = &tb
	}
	return out, nil
}

// ResultTable says whether a query result can be edited; when it can,
// Table is the open table its edits go to and Columns names, for each
// result column, the table column it shows.
type ResultTable struct {
	Editable bool     `json:"editable"`
	Reason   string   `json:"reason"`
	Columns  []string `json:"columns"`
	Table    *Table   `json:"table"`
}
