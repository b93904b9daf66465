package tabledata

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tusk-app/tusk/backend/ident"
)

// ResultColumn is where a column of a query result comes from, as the
// server's field description reports it (TableOID 0 for a computed
// column; Number is the column's attnum, negative for system columns).
type ResultColumn struct {
	Name     string `json:"name"`
	TableOID uint32 `json:"tableOid"`
	Number   int16  `json:"number"`
}

// ResultTarget says whether a query's result can be edited like a table.
type ResultTarget struct {
	Editable bool   `json:"editable"`
	Reason   string `json:"reason"` // why not, "" when Editable
	// Relation is the one table every column comes from (nil when the
	// result has none); Columns names, for each result column, the
	// relation's column it shows.
	Relation *Relation `json:"relation"`
	Columns  []string  `json:"columns"`
}

// DescribeResult decides whether a query result can be edited: the
// connection must not be read-only, every column must come unchanged from
// the same table or view, no column twice, the relation's key must be
// among them, and the relation must be editable. Reason names the first
// rule broken in words a status line can show ("columns come from 2
// tables (app.orders, app.customers)"). Edits then use the relation's Plan
// and Commit, with the result columns mapped through Columns.
func DescribeResult(ctx context.Context, c Conn, cols []ResultColumn, opts DescribeOptions) (ResultTarget, error) {
	t := ResultTarget{Columns: make([]string, len(cols))}
	switch {
	case len(cols) == 0:
		t.Reason = "the result has no columns"
		return t, nil
	case opts.ReadOnly:
		t.Reason = "the connection is read-only"
		return t, nil
	}
	var oids []uint32
	for _, col := range cols {
		switch {
		case col.TableOID == 0:
			t.Reason = fmt.Sprintf("column %s is computed, not read from a table", ident.Quote(col.Name))
			return t, nil
		case col.Number <= 0:
			t.Reason = fmt.Sprintf("column %s is a system column", ident.Quote(col.Name))
			return t, nil
		case !slices.Contains(oids, col.TableOID):
			oids = append(oids, col.TableOID)
		}
	}
	if len(oids) > 1 {
		names, err := relationNames(ctx, c, oids)
		if err != nil {
			return t, err
		}
		t.Reason = fmt.Sprintf("columns come from %d tables (%s)", len(oids), strings.Join(names, ", "))
		return t, nil
	}
	oid := oids[0]
	rel, err := Describe(ctx, c, Ref{OID: oid}, opts)
	if errors.Is(err, ErrNotFound) {
		t.Reason = "the table the result comes from no longer exists"
		return t, nil
	}
	if err != nil {
		return t, err
	}
	t.Relation = rel
	used := map[int]string{}
	for i, c := range cols {
		col := rel.columnByNumber(int(c.Number))
		if col == nil {
			t.Reason = fmt.Sprintf("column %s no longer exists in %s", ident.Quote(c.Name), rel.Qualified())
			return t, nil
		}
		if prev, dup := used[col.Number]; dup {
			t.Reason = fmt.Sprintf("column %s of %s appears twice (as %s and %s)", ident.Quote(col.Name), rel.Qualified(), ident.Quote(prev), ident.Quote(c.Name))
			return t, nil
		}
		used[col.Number] = c.Name
		t.Columns[i] = col.Name
	}
	if !rel.Editable {
		t.Reason = rel.ReadOnlyReason
		return t, nil
	}
	key := make([]string, len(rel.Key))
	complete := true
	for i, k := range rel.Key {
		key[i] = ident.Quote(k)
		col, _ := rel.Column(k)
		if _, ok := used[col.Number]; !ok {
			complete = false
		}
	}
	if !complete {
		t.Reason = fmt.Sprintf("the key of %s (%s) is not in the result", rel.Qualified(), strings.Join(key, ", "))
		return t, nil
	}
	t.Editable = true
	return t, nil
}

// relationNames returns the qualified names of relations, in the order of
// oids; a relation dropped since is named by its OID.
func relationNames(ctx context.Context, c Conn, oids []uint32) ([]string, error) {
	rows, err := c.Query(ctx, queryRelNames, oids)
	if err != nil {
		return nil, fmt.Errorf("name the tables of a result: %w", err)
	}
	byOID := map[uint32]string{}
	for rows.Next() {
		var (
			oid          uint32
			schema, name string
		)
		if err := rows.Scan(&oid, &schema, &name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("name the tables of a result: %w", err)
		}
		byOID[oid] = ident.Qualified(schema, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("name the tables of a result: %w", err)
	}
	names := make([]string, len(oids))
	for i, oid := range oids {
		names[i] = byOID[oid]
		if names[i] == "" {
			names[i] = fmt.Sprintf("relation %d", oid)
		}
	}
	return names, nil
}
