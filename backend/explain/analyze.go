package explain

import (
	"regexp"
	"strings"
)

// analyze computes the derived figures of every node, the hot path and the
// findings. See the package documentation for the rules.
func (p *Plan) analyze() {
	root := &p.Nodes[0]
	p.Analyzed = root.has("Actual Loops")
	p.Timed = root.has("Actual Total Time")
	p.HasBuffers = root.has("Shared Hit Blocks")
	p.TotalCost = root.TotalCost
	p.Buffers = root.Buffers

	p.inclusive(0, 0)
	p.reconcile()
	raw := make([]float64, len(p.Nodes))
	for i := range p.Nodes {
		n := &p.Nodes[i]
		raw[i] = n.InclusiveMs
		cost, bufs := n.TotalCost, n.Buffers
		for _, c := range n.Children {
			ch := &p.Nodes[c]
			cost -= ch.TotalCost
			if ch.Relationship == "InitPlan" {
				continue
			}
			raw[i] -= ch.InclusiveMs
			bufs = bufs.minus(ch.Buffers)
		}
		n.ExclusiveCost = max(cost, 0)
		n.ExclusiveBuffers = bufs
	}
	// InitPlans (CTEs among them) ran inside the node that first read
	// their result: take their time off that node.
	for i := range p.Nodes {
		for _, c := range p.Nodes[i].Children {
			if p.Nodes[c].Relationship == "InitPlan" {
				p.chargeInitPlan(i, c, raw)
			}
		}
	}
	for i := range p.Nodes {
		n := &p.Nodes[i]
		n.ExclusiveMs = max(raw[i], 0)
		p.TotalMs += n.ExclusiveMs
		if p.Analyzed {
			n.NeverExecuted = n.Loops == 0
			n.RowsTotal = n.ActualRows * n.Loops
			n.EstimatedRowsTotal = n.PlanRows * n.Loops
			if !n.NeverExecuted {
				a, e := max(n.ActualRows, 1), max(n.PlanRows, 1)
				n.Misestimate = max(a, e) / min(a, e)
				n.Underestimate = a > e
			}
		}
	}
	if p.TotalMs > 0 {
		for i := range p.Nodes {
			p.Nodes[i].Share = p.Nodes[i].ExclusiveMs / p.TotalMs
		}
	}
	p.hotPath()
	p.Findings = findings(p)
}

// inclusive sets InclusiveMs of node i and its subtree; procs is the number
// of processes running the subtree (0 outside a parallel part).
func (p *Plan) inclusive(i int, procs int) {
	n := &p.Nodes[i]
	switch {
	case n.Loops == 0:
		n.InclusiveMs = 0
	case len(n.Workers) > 0:
		// The busiest process: the leader's share is the total minus the
		// workers'.
		all := n.ActualTotalMs * n.Loops
		busiest := 0.0
		for _, w := range n.Workers {
			t := w.ActualTotalMs * w.Loops
			all -= t
			busiest = max(busiest, t)
		}
		n.InclusiveMs = max(busiest, all)
	case procs > 1:
		n.InclusiveMs = n.ActualTotalMs * n.Loops / float64(procs)
	default:
		n.InclusiveMs = n.ActualTotalMs * n.Loops
	}
	childProcs := procs
	if n.NodeType == "Gather" || n.NodeType == "Gather Merge" {
		childProcs = n.WorkersLaunched + 1 // the leader takes part too
	}
	for _, c := range n.Children {
		p.inclusive(c, childProcs)
	}
}

// roundingMs is the largest rounding error of a per-loop time: the server
// prints milliseconds with three decimals.
const roundingMs = 0.0005

// reconcile makes every node at least as slow as its children together
// (InitPlans aside), as it must be. Per-loop times are rounded to the
// microsecond, so a node that ran n loops is off by up to n × 0.5 µs, and a
// sum of children can exceed their parent. The figure with the larger
// error gives way: a node whose own error covers the gap is raised to its
// children's sum (children first); otherwise the children are lowered,
// each within its own error first, then all in proportion.
func (p *Plan) reconcile() {
	excess := func(i int) (float64, []int) {
		var kids []int
		sum := 0.0
		for _, c := range p.Nodes[i].Children {
			if p.Nodes[c].Relationship != "InitPlan" {
				kids = append(kids, c)
				sum += p.Nodes[c].InclusiveMs
			}
		}
		return sum - p.Nodes[i].InclusiveMs, kids
	}
	for i := len(p.Nodes) - 1; i >= 0; i-- {
		n := &p.Nodes[i]
		if e, _ := excess(i); e > 0 && n.Loops > 0 && e <= n.Loops*roundingMs {
			n.InclusiveMs += e
		}
	}
	for i := range p.Nodes {
		e, kids := excess(i)
		if e <= 0 || p.Nodes[i].Loops == 0 {
			continue
		}
		errs := 0.0
		for _, c := range kids {
			errs += p.Nodes[c].Loops * roundingMs
		}
		if errs > 0 {
			part := min(e, errs)
			for _, c := range kids {
				p.Nodes[c].InclusiveMs -= part * p.Nodes[c].Loops * roundingMs / errs
			}
			e -= part
		}
		if e > 1e-9 {
			f := p.Nodes[i].InclusiveMs / (p.Nodes[i].InclusiveMs + e)
			for _, c := range kids {
				p.Nodes[c].InclusiveMs *= f
			}
		}
	}
}

// chargeInitPlan takes the time of InitPlan init (a child of node owner)
// off the raw exclusive time of the nodes that ran it.
func (p *Plan) chargeInitPlan(owner, init int, raw []float64) {
	left := p.Nodes[init].InclusiveMs
	take := func(i int) {
		t := min(left, max(raw[i], 0))
		raw[i] -= t
		left -= t
	}
	if cte, ok := strings.CutPrefix(p.Nodes[init].SubplanName, "CTE "); ok {
		p.walk(owner, func(i int) bool {
			if left > 0 && p.Nodes[i].NodeType == "CTE Scan" && p.Nodes[i].CTEName == cte {
				take(i)
			}
			return true
		})
		return
	}
	refs := paramRefs(p.Nodes[init].SubplanName)
	user := -1
	p.walk(owner, func(i int) bool {
		if i == init {
			return false // not inside the InitPlan itself
		}
		if user < 0 && p.Nodes[i].mentions(refs) {
			user = i
		}
		return user < 0
	})
	if user < 0 {
		user = owner
	}
	take(user)
}

// mayStopEarly reports whether node i runs under something that may stop
// reading it before its end: a Limit, the inner side of a semi, anti or
// merge join, or a subplan (EXISTS stops at the first row). Its row
// estimate is for a full run, so an overestimate is expected there. A node
// that reads all its input first (Sort, Hash, Aggregate …) ends the search.
func (p *Plan) mayStopEarly(i int) bool {
	for c, up := i, p.Nodes[i].Parent; up >= 0; c, up = up, p.Nodes[up].Parent {
		child, parent := &p.Nodes[c], &p.Nodes[up]
		if child.Relationship == "SubPlan" || child.Relationship == "InitPlan" {
			return true
		}
		switch parent.NodeType {
		case "Limit", "Merge Join":
			return true
		case "Sort", "Incremental Sort", "Hash", "Aggregate", "SetOp", "WindowAgg", "Unique", "Materialize":
			return false
		case "Nested Loop", "Hash Join":
			if jt := parent.prop("Join Type"); child.Relationship == "Inner" && (jt == "Semi" || jt == "Anti") {
				return true
			}
		}
	}
	return false
}

// walk visits node i and its subtree in depth-first order; fn returns false
// to skip a node's subtree.
func (p *Plan) walk(i int, fn func(int) bool) {
	if !fn(i) {
		return
	}
	for _, c := range p.Nodes[i].Children {
		p.walk(c, fn)
	}
}

var (
	// "InitPlan 1 (returns $0,$1)" up to PostgreSQL 15.
	returnsRe = regexp.MustCompile(`\$\d+`)
	// "InitPlan 1" from PostgreSQL 16 on, referenced as "(InitPlan 1).col1".
	initPlanRe = regexp.MustCompile(`^InitPlan \d+`)
)

// paramRefs returns the texts by which expressions refer to the result of
// the InitPlan named name.
func paramRefs(name string) []string {
	refs := returnsRe.FindAllString(name, -1)
	if m := initPlanRe.FindString(name); m != "" {
		refs = append(refs, "("+m+")")
	}
	return refs
}

// mentions reports whether one of n's expressions (conditions, filters,
// output, keys) mentions one of refs; "$1" does not match in "$10".
func (n *Node) mentions(refs []string) bool {
	for _, prop := range n.Props {
		switch prop.Name {
		case "Node Type", "Parent Relationship", "Subplan Name", "Relation Name", "Alias", "Schema", "Index Name":
			continue
		}
		for _, r := range refs {
			for off := 0; ; {
				k := strings.Index(prop.Value[off:], r)
				if k < 0 {
					break
				}
				end := off + k + len(r)
				if end >= len(prop.Value) || prop.Value[end] < '0' || prop.Value[end] > '9' {
					return true
				}
				off = end
			}
		}
	}
	return false
}

// hotPath marks the chain from the root to the node with the largest
// exclusive time (exclusive cost without timing).
func (p *Plan) hotPath() {
	weight := func(n *Node) float64 {
		if p.Timed {
			return n.ExclusiveMs
		}
		return n.ExclusiveCost
	}
	best := 0
	for i := range p.Nodes {
		if weight(&p.Nodes[i]) > weight(&p.Nodes[best]) {
			best = i
		}
	}
	var path []int
	for i := best; i >= 0; i = p.Nodes[i].Parent {
		path = append(path, i)
		p.Nodes[i].Hot = true
	}
	for l, r := 0, len(path)-1; l < r; l, r = l+1, r-1 {
		path[l], path[r] = path[r], path[l]
	}
	p.HotPath = path
}
