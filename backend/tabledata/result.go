package tabledata

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// DescribeResult decides whether a query result can be edited: every
// column must come unchanged from the same table or view, no column twice,
// the relation's key must be among them, and the relation must be
// editable. Edits then use the relation's Plan and Commit, with the result
// columns mapped through Columns.
func DescribeResult(ctx context.Context, c Conn, cols []ResultColumn, opts DescribeOptions) (ResultTarget, error) {
	t := ResultTarget{Columns: make([]string, len(cols))}
	if len(cols) == 0 {
		t.Reason = "the result has no columns"
		return t, nil
	}
	oid := cols[0].TableOID
	for _, c := range cols {
		switch {
		case c.TableOID == 0:
			t.Reason = fmt.Sprintf("column %q is computed, not read from a table", c.Name)
			return t, nil
		case c.TableOID != oid:
			t.Reason = "the result combines columns of several tables"
			return t, nil
		case c.Number <= 0:
			t.Reason = fmt.Sprintf("column %q is a system column", c.Name)
			return t, nil
		}
	}
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
			t.Reason = fmt.Sprintf("column %q no longer exists in %s", c.Name, rel.Qualified())
			return t, nil
		}
		if prev, dup := used[col.Number]; dup {
			t.Reason = fmt.Sprintf("column %q of %s appears twice (as %q and %q)", col.Name, rel.Qualified(), prev, c.Name)
			return t, nil
		}
		used[col.Number] = c.Name
		t.Columns[i] = col.Name
	}
	if !rel.Editable {
		t.Reason = rel.ReadOnlyReason
		return t, nil
	}
	var missing []string
	for _, k := range rel.Key {
		col, _ := rel.Column(k)
		if _, ok := used[col.Number]; !ok {
			missing = append(missing, fmt.Sprintf("%q", k))
		}
	}
	if len(missing) > 0 {
		t.Reason = fmt.Sprintf("the result does not include the key of %s (%s)", rel.Qualified(), strings.Join(missing, ", "))
		return t, nil
	}
	t.Editable = true
	return t, nil
}
