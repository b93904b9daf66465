package explain_test

import (
	"context"
	"testing"

	"github.com/tusk-app/tusk/backend/explain"
)

func TestCompareBeforeAndAfterAnIndex(t *testing.T) {
	conn := connect(t)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "create table cmp as select * from big; analyze cmp"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = connect(t).Exec(ctx, "drop table if exists cmp") })
	const q = `select c.id, s.name from cmp c join small s on s.id = c.grp where c.val = md5('4242')`
	setup := []string{"set max_parallel_workers_per_gather = 0"}
	before := plan(t, conn, q, setup...)
	after := plan(t, conn, q, "create index cmp_val on cmp (val)", "analyze cmp")
	c := explain.Compare(before, after)

	var scan *explain.NodePair
	for i := range c.Pairs {
		if c.Pairs[i].Key == "scan cmp c" {
			scan = &c.Pairs[i]
		}
	}
	if scan == nil || scan.A < 0 || scan.B < 0 {
		t.Fatalf("the scans of cmp c should match whatever their method: %+v\n%s\n%s", c.Pairs, before.Text(), after.Text())
	}
	a, b := before.Nodes[scan.A], after.Nodes[scan.B]
	if a.NodeType == b.NodeType {
		t.Fatalf("the index should change the scan: %s → %s", a.Label, b.Label)
	}
	if scan.Delta.InclusiveMs != b.InclusiveMs-a.InclusiveMs || scan.Delta.Rows != b.RowsTotal-a.RowsTotal {
		t.Errorf("delta %+v", scan.Delta)
	}
	if b.InclusiveMs >= a.InclusiveMs || scan.Delta.InclusiveMsRatio >= 1 {
		t.Errorf("the index scan (%v ms) should beat the seq scan (%v ms)", b.InclusiveMs, a.InclusiveMs)
	}
	if c.Pairs[0].A != 0 || c.Pairs[0].B != 0 {
		t.Errorf("roots not paired: %+v", c.Pairs[0])
	}
	if c.Total.ExecutionMs != after.ExecutionMs-before.ExecutionMs || c.Total.Rows != 0 {
		t.Errorf("total %+v", c.Total)
	}
	// Every node appears once on each side it exists on.
	seenA, seenB := map[int]bool{}, map[int]bool{}
	for _, p := range c.Pairs {
		if p.A >= 0 {
			if seenA[p.A] {
				t.Errorf("A node %d twice", p.A)
			}
			seenA[p.A] = true
		}
		if p.B >= 0 {
			if seenB[p.B] {
				t.Errorf("B node %d twice", p.B)
			}
			seenB[p.B] = true
		}
	}
	if len(seenA) != len(before.Nodes) || len(seenB) != len(after.Nodes) {
		t.Errorf("pairs cover %d/%d and %d/%d nodes", len(seenA), len(before.Nodes), len(seenB), len(after.Nodes))
	}
}

func TestCompareMatchesJoinsAcrossMethods(t *testing.T) {
	conn := connect(t)
	const q = `select * from big b join small s on s.id = b.grp where b.id < 1000`
	hash := plan(t, conn, q, "set max_parallel_workers_per_gather = 0", "set enable_nestloop = off", "set enable_mergejoin = off")
	loop := plan(t, conn, q, "set enable_nestloop = on", "set enable_hashjoin = off")
	c := explain.Compare(hash, loop)
	var join *explain.NodePair
	for i := range c.Pairs {
		if c.Pairs[i].Key == "join  b, s" || c.Pairs[i].Key == "join big b,small s" {
			join = &c.Pairs[i]
		}
	}
	if join == nil || join.A < 0 || join.B < 0 {
		t.Fatalf("joins of b and s should match: %+v\n%s\n%s", c.Pairs, hash.Text(), loop.Text())
	}
	if hash.Nodes[join.A].NodeType != "Hash Join" || loop.Nodes[join.B].NodeType != "Nested Loop" {
		t.Errorf("%s vs %s", hash.Nodes[join.A].Label, loop.Nodes[join.B].Label)
	}
	// The Hash node exists only in the first plan.
	only := 0
	for _, p := range c.Pairs {
		if p.B < 0 && hash.Nodes[p.A].NodeType == "Hash" {
			only++
		}
	}
	if only != 1 {
		t.Errorf("the Hash node should be listed as A's only: %+v", c.Pairs)
	}
}
