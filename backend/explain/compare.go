package explain

import (
	"slices"
	"strings"
)

// Comparison is how plan B differs from plan A (B is usually the later run:
// "after adding the index").
type Comparison struct {
	A *Plan `json:"a"`
	B *Plan `json:"b"`
	// Pairs lists every node of both plans: matched nodes once, in B's
	// order, then the nodes only A has, in A's order.
	Pairs []NodePair `json:"pairs"`
	// Total compares the whole plans.
	Total Delta `json:"total"`
	// MatchedA and MatchedB count the nodes that found a partner.
	MatchedA int `json:"matchedA"`
	MatchedB int `json:"matchedB"`
}

// NodePair is a node of A matched with a node of B; A or B is -1 when the
// node exists in one plan only.
type NodePair struct {
	A int `json:"a"`
	B int `json:"b"`
	// Key is what the nodes were matched on (see Compare).
	Key   string `json:"key"`
	Delta Delta  `json:"delta"`
}

// Delta is a change from A to B: each figure is B − A (a node missing on
// one side counts as zero there), and the Ratio fields are B / A (0 when A
// is 0).
type Delta struct {
	InclusiveMs      float64 `json:"inclusiveMs"`
	ExclusiveMs      float64 `json:"exclusiveMs"`
	Rows             float64 `json:"rows"`
	Loops            float64 `json:"loops"`
	SharedBlocks     float64 `json:"sharedBlocks"`
	Cost             float64 `json:"cost"`
	InclusiveMsRatio float64 `json:"inclusiveMsRatio"`
	RowsRatio        float64 `json:"rowsRatio"`
	// ExecutionMs and PlanningMs are set in Comparison.Total only.
	ExecutionMs float64 `json:"executionMs"`
	PlanningMs  float64 `json:"planningMs"`
}

// Compare matches the nodes of a and b and computes the changes.
//
// The matching rule: each node gets a key that says what it works on rather
// than how, so that a changed plan still lines up —
//
//   - a scan's key is the relation (or CTE, function) and alias it reads,
//     whatever the scan method ("scan orders o" matches a Seq Scan and an
//     Index Scan of orders o); a Bitmap Index Scan's is its index;
//   - a join's key is the set of aliases below it, whatever the join method
//     (a Hash Join of o and c matches a Nested Loop of o and c);
//   - a table change (Insert, Update, Delete, Merge) is keyed by its table;
//   - any other node's key is its type (Aggregate for all strategies)
//     with the subplan it belongs to and the set of aliases below it.
//
// Nodes with equal keys are paired in depth-first order: the first with the
// first, the second with the second. The roots are paired even when their
// keys differ. Every other node without a partner is listed alone.
func Compare(a, b *Plan) Comparison {
	ka, kb := keys(a), keys(b)
	byKey := map[string][]int{}
	for i, k := range ka {
		byKey[k] = append(byKey[k], i)
	}
	partner := make([]int, len(b.Nodes))
	usedA := make([]bool, len(a.Nodes))
	for j, k := range kb {
		partner[j] = -1
		if q := byKey[k]; len(q) > 0 {
			partner[j] = q[0]
			usedA[q[0]] = true
			byKey[k] = q[1:]
		}
	}
	if len(a.Nodes) > 0 && len(b.Nodes) > 0 && partner[0] < 0 && !usedA[0] {
		partner[0], usedA[0] = 0, true
	}
	c := Comparison{A: a, B: b, Pairs: []NodePair{}}
	for j, i := range partner {
		key := kb[j]
		if i >= 0 {
			c.MatchedA++
			c.MatchedB++
		}
		c.Pairs = append(c.Pairs, NodePair{A: i, B: j, Key: key, Delta: nodeDelta(a, i, b, j)})
	}
	for i := range a.Nodes {
		if !usedA[i] {
			c.Pairs = append(c.Pairs, NodePair{A: i, B: -1, Key: ka[i], Delta: nodeDelta(a, i, b, -1)})
		}
	}
	c.Total = Delta{
		InclusiveMs:  b.TotalMs - a.TotalMs,
		ExclusiveMs:  b.TotalMs - a.TotalMs,
		ExecutionMs:  b.ExecutionMs - a.ExecutionMs,
		PlanningMs:   b.PlanningMs - a.PlanningMs,
		SharedBlocks: (b.Buffers.SharedHit + b.Buffers.SharedRead) - (a.Buffers.SharedHit + a.Buffers.SharedRead),
		Cost:         b.TotalCost - a.TotalCost,
	}
	if len(a.Nodes) > 0 && len(b.Nodes) > 0 {
		c.Total.Rows = b.Nodes[0].RowsTotal - a.Nodes[0].RowsTotal
		c.Total.RowsRatio = ratio(b.Nodes[0].RowsTotal, a.Nodes[0].RowsTotal)
	}
	c.Total.InclusiveMsRatio = ratio(b.TotalMs, a.TotalMs)
	return c
}

func nodeDelta(a *Plan, i int, b *Plan, j int) Delta {
	var na, nb Node
	if i >= 0 {
		na = a.Nodes[i]
	}
	if j >= 0 {
		nb = b.Nodes[j]
	}
	return Delta{
		InclusiveMs:      nb.InclusiveMs - na.InclusiveMs,
		ExclusiveMs:      nb.ExclusiveMs - na.ExclusiveMs,
		Rows:             nb.RowsTotal - na.RowsTotal,
		Loops:            nb.Loops - na.Loops,
		SharedBlocks:     (nb.Buffers.SharedHit + nb.Buffers.SharedRead) - (na.Buffers.SharedHit + na.Buffers.SharedRead),
		Cost:             nb.TotalCost - na.TotalCost,
		InclusiveMsRatio: ratio(nb.InclusiveMs, na.InclusiveMs),
		RowsRatio:        ratio(nb.RowsTotal, na.RowsTotal),
	}
}

func ratio(b, a float64) float64 {
	if a == 0 {
		return 0
	}
	return b / a
}

// keys returns the matching key of every node of p (see Compare).
func keys(p *Plan) []string {
	aliases := make([][]string, len(p.Nodes))
	for i := len(p.Nodes) - 1; i >= 0; i-- { // children before parents
		n := &p.Nodes[i]
		var set []string
		if name := scanTarget(n); name != "" {
			set = append(set, name)
		}
		for _, c := range n.Children {
			set = append(set, aliases[c]...)
		}
		slices.Sort(set)
		aliases[i] = slices.Compact(set)
	}
	out := make([]string, len(p.Nodes))
	for i := range p.Nodes {
		n := &p.Nodes[i]
		switch {
		case n.NodeType == "Bitmap Index Scan":
			out[i] = "index " + n.Index
		case n.NodeType == "ModifyTable":
			out[i] = "modify " + scanTarget(n)
		case scanTarget(n) != "" && len(n.Children) == 0 || strings.HasSuffix(n.NodeType, "Scan") && scanTarget(n) != "":
			out[i] = "scan " + scanTarget(n)
		case n.NodeType == "Nested Loop" || n.NodeType == "Hash Join" || n.NodeType == "Merge Join":
			out[i] = "join " + strings.Join(aliases[i], ",")
		default:
			out[i] = n.NodeType + " " + subplanOf(p, i) + "[" + strings.Join(aliases[i], ",") + "]"
		}
	}
	return out
}

// scanTarget names what a scan reads: "relation alias" (or CTE or function
// name and alias); "" for nodes that read no relation.
func scanTarget(n *Node) string {
	what := n.Relation // without the schema: VERBOSE adds it, plain EXPLAIN does not
	if what == "" {
		what = n.CTEName
	}
	if what == "" {
		what = n.Function
	}
	if what == "" && n.Alias == "" {
		return ""
	}
	return what + " " + n.Alias
}

// subplanOf names the InitPlan, SubPlan or CTE node i belongs to ("" for the
// main query), so that the same node type over the same relations in two
// subplans keeps them apart.
func subplanOf(p *Plan, i int) string {
	for ; i >= 0; i = p.Nodes[i].Parent {
		if p.Nodes[i].SubplanName != "" {
			return p.Nodes[i].SubplanName + " "
		}
	}
	return ""
}
