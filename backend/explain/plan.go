package explain

import (
	"errors"
	"fmt"
	"strings"
)

// Plan is one analysed execution plan. It is a plain value: Parse builds it
// and nothing changes it afterwards, so it may be shared between goroutines.
type Plan struct {
	// Nodes are the plan's nodes in depth-first order; Nodes[0] is the root.
	Nodes []Node `json:"nodes"`
	// Analyzed reports whether the plan has actual figures (EXPLAIN
	// ANALYZE); Timed whether it has actual times (TIMING was not off).
	Analyzed bool `json:"analyzed"`
	Timed    bool `json:"timed"`
	// HasBuffers reports whether the plan has buffer figures (BUFFERS).
	HasBuffers bool `json:"hasBuffers"`
	// PlanningMs and ExecutionMs are the server's "Planning Time" and
	// "Execution Time" (0 when absent).
	PlanningMs  float64 `json:"planningMs"`
	ExecutionMs float64 `json:"executionMs"`
	// TotalMs is the sum of the nodes' ExclusiveMs: what Share divides by.
	TotalMs float64 `json:"totalMs"`
	// TotalCost is the root's total cost.
	TotalCost float64 `json:"totalCost"`
	// Buffers are the root's buffer figures: the whole execution's.
	Buffers Buffers `json:"buffers"`
	// PlanningBuffers are the buffers planning used (BUFFERS, PostgreSQL 13+).
	PlanningBuffers Buffers `json:"planningBuffers"`
	// Triggers are the triggers that fired (ANALYZE of a data change).
	Triggers []Trigger `json:"triggers"`
	// JIT is the JIT compilation summary; nil when JIT was not used.
	JIT *JIT `json:"jit,omitempty"`
	// Settings are the non-default planner settings (SETTINGS, PostgreSQL 12+).
	Settings []Prop `json:"settings"`
	// HotPath lists node indexes from the root to the slowest node.
	HotPath []int `json:"hotPath"`
	// Findings point at the nodes worth a look, most important first.
	Findings []Finding `json:"findings"`
	// Raw is the server's JSON text, as Parse received it (for export and
	// for comparing with a later plan).
	Raw string `json:"raw"`
}

// Node is one node of a Plan. The figures the server reports per loop
// (ActualTotalMs, ActualRows) are kept as reported; the computed ones
// (InclusiveMs, RowsTotal, …) are for the whole execution.
type Node struct {
	// ID is the node's index in Plan.Nodes; Parent is its parent's (-1 for
	// the root) and Children its children's, in the server's order.
	ID       int   `json:"id"`
	Parent   int   `json:"parent"`
	Children []int `json:"children"`
	Depth    int   `json:"depth"`

	// NodeType is the server's "Node Type" ("Seq Scan", "Hash Join", …).
	NodeType string `json:"nodeType"`
	// Label is the heading EXPLAIN's text format prints: "Parallel Seq Scan
	// on big b", "Hash Left Join", "Index Scan using big_pkey on big".
	Label string `json:"label"`
	// Relationship is "Outer", "Inner", "InitPlan", "SubPlan", "Member" …;
	// "" for the root.
	Relationship string `json:"relationship"`
	// SubplanName names an InitPlan, SubPlan or CTE ("CTE x", "SubPlan 1").
	SubplanName string `json:"subplanName"`
	// Relation, Schema, Alias, Index, CTEName and Function name what the
	// node reads, where that applies.
	Relation      string `json:"relation"`
	Schema        string `json:"schema"`
	Alias         string `json:"alias"`
	Index         string `json:"index"`
	CTEName       string `json:"cteName"`
	Function      string `json:"function"`
	ParallelAware bool   `json:"parallelAware"`

	// StartupCost and TotalCost are the planner's costs (arbitrary units,
	// per loop); PlanRows its row estimate per loop; PlanWidth the average
	// row width in bytes.
	StartupCost float64 `json:"startupCost"`
	TotalCost   float64 `json:"totalCost"`
	PlanRows    float64 `json:"planRows"`
	PlanWidth   int     `json:"planWidth"`
	// ExclusiveCost is TotalCost minus the children's TotalCost (at least 0):
	// an approximation of the node's own share of the cost.
	ExclusiveCost float64 `json:"exclusiveCost"`

	// ActualStartupMs and ActualTotalMs are the server's per-loop averages
	// (ms); ActualRows the per-loop average rows; Loops the executions.
	ActualStartupMs float64 `json:"actualStartupMs"`
	ActualTotalMs   float64 `json:"actualTotalMs"`
	ActualRows      float64 `json:"actualRows"`
	Loops           float64 `json:"loops"`
	// NeverExecuted is set when ANALYZE ran and the node never did (loops 0).
	NeverExecuted bool `json:"neverExecuted"`
	// WorkersPlanned and WorkersLaunched are a Gather's parallel workers.
	WorkersPlanned  int `json:"workersPlanned"`
	WorkersLaunched int `json:"workersLaunched"`
	// Workers are the per-worker figures VERBOSE adds below a Gather.
	Workers []Worker `json:"workers"`

	// InclusiveMs is the node's time including its children; ExclusiveMs
	// without them; Share is ExclusiveMs / Plan.TotalMs (0–1). See the
	// package documentation for parallel plans, InitPlans and CTEs.
	InclusiveMs float64 `json:"inclusiveMs"`
	ExclusiveMs float64 `json:"exclusiveMs"`
	Share       float64 `json:"share"`
	// RowsTotal is ActualRows × Loops; EstimatedRowsTotal is PlanRows × Loops.
	RowsTotal          float64 `json:"rowsTotal"`
	EstimatedRowsTotal float64 `json:"estimatedRowsTotal"`
	// Misestimate is max(actual, planned) / min(actual, planned) rows per
	// loop, each at least 1; 1 means exact, 0 means not analysed.
	// Underestimate reports actual > planned.
	Misestimate   float64 `json:"misestimate"`
	Underestimate bool    `json:"underestimate"`

	// RowsRemovedByFilter, RowsRemovedByJoinFilter and
	// RowsRemovedByIndexRecheck are per loop, as the server reports them.
	RowsRemovedByFilter       float64 `json:"rowsRemovedByFilter"`
	RowsRemovedByJoinFilter   float64 `json:"rowsRemovedByJoinFilter"`
	RowsRemovedByIndexRecheck float64 `json:"rowsRemovedByIndexRecheck"`
	// LossyHeapBlocks counts bitmap pages that lost their row detail.
	LossyHeapBlocks float64 `json:"lossyHeapBlocks"`

	// SortMethod, SortSpaceKB and SortSpaceType describe a Sort; type "Disk"
	// means it spilled.
	SortMethod    string  `json:"sortMethod"`
	SortSpaceKB   float64 `json:"sortSpaceKb"`
	SortSpaceType string  `json:"sortSpaceType"`
	// HashBatches and OriginalHashBatches (> 1: the hash spilled), and
	// HashAggBatches and DiskUsageKB of a hashed aggregate.
	HashBatches         float64 `json:"hashBatches"`
	OriginalHashBatches float64 `json:"originalHashBatches"`
	HashAggBatches      float64 `json:"hashAggBatches"`
	DiskUsageKB         float64 `json:"diskUsageKb"`
	PeakMemoryKB        float64 `json:"peakMemoryKb"`

	// Buffers are the node's buffer figures including its children's, as
	// reported; ExclusiveBuffers without its (non-InitPlan) children's.
	Buffers          Buffers `json:"buffers"`
	ExclusiveBuffers Buffers `json:"exclusiveBuffers"`
	// WAL figures (WAL, PostgreSQL 13+).
	WALRecords float64 `json:"walRecords"`
	WALFPI     float64 `json:"walFpi"`
	WALBytes   float64 `json:"walBytes"`

	// Hot marks the nodes on Plan.HotPath.
	Hot bool `json:"hot"`
	// Props are all the node's properties as the server sent them, in its
	// order, as display text (lists joined by ", "), without Plans and
	// Workers.
	Props []Prop `json:"props"`

	workerSpilled bool // a parallel worker's sort went to disk
}

// Prop is one named property, as display text.
type Prop struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Buffers are block counts (8 kB blocks by default) and I/O times (ms,
// with track_io_timing).
type Buffers struct {
	SharedHit     float64 `json:"sharedHit"`
	SharedRead    float64 `json:"sharedRead"`
	SharedDirtied float64 `json:"sharedDirtied"`
	SharedWritten float64 `json:"sharedWritten"`
	LocalHit      float64 `json:"localHit"`
	LocalRead     float64 `json:"localRead"`
	LocalDirtied  float64 `json:"localDirtied"`
	LocalWritten  float64 `json:"localWritten"`
	TempRead      float64 `json:"tempRead"`
	TempWritten   float64 `json:"tempWritten"`
	IOReadMs      float64 `json:"ioReadMs"`
	IOWriteMs     float64 `json:"ioWriteMs"`
}

// HitRatio is SharedHit / (SharedHit + SharedRead), or 1 when nothing was
// read or hit.
func (b Buffers) HitRatio() float64 {
	if t := b.SharedHit + b.SharedRead; t > 0 {
		return b.SharedHit / t
	}
	return 1
}

func (b Buffers) minus(c Buffers) Buffers {
	sub := func(x, y float64) float64 { return max(x-y, 0) }
	return Buffers{
		SharedHit: sub(b.SharedHit, c.SharedHit), SharedRead: sub(b.SharedRead, c.SharedRead),
		SharedDirtied: sub(b.SharedDirtied, c.SharedDirtied), SharedWritten: sub(b.SharedWritten, c.SharedWritten),
		LocalHit: sub(b.LocalHit, c.LocalHit), LocalRead: sub(b.LocalRead, c.LocalRead),
		LocalDirtied: sub(b.LocalDirtied, c.LocalDirtied), LocalWritten: sub(b.LocalWritten, c.LocalWritten),
		TempRead: sub(b.TempRead, c.TempRead), TempWritten: sub(b.TempWritten, c.TempWritten),
		IOReadMs: sub(b.IOReadMs, c.IOReadMs), IOWriteMs: sub(b.IOWriteMs, c.IOWriteMs),
	}
}

// Worker is one parallel worker's share of a node (VERBOSE).
type Worker struct {
	Number        int     `json:"number"`
	ActualTotalMs float64 `json:"actualTotalMs"`
	ActualRows    float64 `json:"actualRows"`
	Loops         float64 `json:"loops"`
}

// Trigger is a trigger that fired during EXPLAIN ANALYZE.
type Trigger struct {
	Name     string  `json:"name"`
	Relation string  `json:"relation"`
	TimeMs   float64 `json:"timeMs"`
	Calls    float64 `json:"calls"`
}

// JIT is the JIT compilation summary of a plan (times in ms, summed over
// the processes that compiled).
type JIT struct {
	Functions      float64 `json:"functions"`
	GenerationMs   float64 `json:"generationMs"`
	InliningMs     float64 `json:"inliningMs"`
	OptimizationMs float64 `json:"optimizationMs"`
	EmissionMs     float64 `json:"emissionMs"`
	TotalMs        float64 `json:"totalMs"`
	// Options lists the JIT options that were on (Inlining, Optimization, …).
	Options []string `json:"options"`
}

// ErrNotAPlan is returned by Parse for JSON that is not EXPLAIN output.
var ErrNotAPlan = errors.New("explain: not EXPLAIN (FORMAT JSON) output")

// Parse reads the output of EXPLAIN (FORMAT JSON …) and analyses it. The
// output is an array with one element per planned statement; a rule that
// expands a statement into several yields several, and Parse reads the
// first. It fails with an error wrapping ErrNotAPlan when data is not such
// output. Its time grows linearly with the size of data.
func Parse(data []byte) (*Plan, error) {
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotAPlan, err)
	}
	if doc.kind != 'a' || len(doc.kids) == 0 || doc.kids[0].val.kind != 'o' {
		return nil, fmt.Errorf("%w: not an array of plans", ErrNotAPlan)
	}
	top := doc.kids[0].val
	root := top.get("Plan")
	if root.kind != 'o' {
		return nil, fmt.Errorf("%w: no \"Plan\"", ErrNotAPlan)
	}
	p := &Plan{Raw: string(data), Triggers: []Trigger{}, Settings: []Prop{}, HotPath: []int{}, Findings: []Finding{}}
	p.PlanningMs = top.get("Planning Time").number()
	p.ExecutionMs = top.get("Execution Time").number()
	if pl := top.get("Planning"); pl.kind == 'o' {
		p.PlanningBuffers = buffersOf(pl.kids)
	}
	for _, t := range top.get("Triggers").kids {
		t := t.val
		p.Triggers = append(p.Triggers, Trigger{Name: t.get("Trigger Name").display(), Relation: t.get("Relation").display(),
			TimeMs: t.get("Time").number(), Calls: t.get("Calls").number()})
	}
	if j := top.get("JIT"); j.kind == 'o' {
		p.JIT = jitOf(j)
	}
	for _, s := range top.get("Settings").kids {
		p.Settings = append(p.Settings, Prop{Name: s.key, Value: s.val.display()})
	}
	p.addNode(root, -1, 0)
	p.analyze()
	return p, nil
}

// addNode appends node v and its subtree to p.Nodes.
func (p *Plan) addNode(v value, parent, depth int) {
	id := len(p.Nodes)
	p.Nodes = append(p.Nodes, Node{ID: id, Parent: parent, Depth: depth, Children: []int{}, Workers: []Worker{},
		Props: make([]Prop, 0, len(v.kids))})
	if parent >= 0 {
		p.Nodes[parent].Children = append(p.Nodes[parent].Children, id)
	}
	n := &p.Nodes[id]
	var children []member
	for _, f := range v.kids {
		switch f.key {
		case "Plans":
			children = f.val.kids
		case "Workers":
			n.Workers, n.workerSpilled = workersOf(f.val)
		default:
			n.set(f.key, f.val)
		}
	}
	n.Buffers = buffersOf(v.kids)
	n.Label = label(n)
	for _, c := range children {
		if c.val.kind == 'o' {
			p.addNode(c.val, id, depth+1)
		}
	}
}

// set records one property of n.
func (n *Node) set(key string, v value) {
	text := v.display()
	n.Props = append(n.Props, Prop{Name: key, Value: text})
	switch key {
	case "Node Type":
		n.NodeType = text
	case "Parent Relationship":
		n.Relationship = text
	case "Subplan Name":
		n.SubplanName = text
	case "Relation Name":
		n.Relation = text
	case "Schema":
		n.Schema = text
	case "Alias":
		n.Alias = text
	case "Index Name":
		n.Index = text
	case "CTE Name":
		n.CTEName = text
	case "Function Name":
		n.Function = text
	case "Parallel Aware":
		n.ParallelAware = text == "true"
	case "Startup Cost":
		n.StartupCost = v.number()
	case "Total Cost":
		n.TotalCost = v.number()
	case "Plan Rows":
		n.PlanRows = v.number()
	case "Plan Width":
		n.PlanWidth = int(v.number())
	case "Actual Startup Time":
		n.ActualStartupMs = v.number()
	case "Actual Total Time":
		n.ActualTotalMs = v.number()
	case "Actual Rows":
		n.ActualRows = v.number()
	case "Actual Loops":
		n.Loops = v.number()
	case "Workers Planned":
		n.WorkersPlanned = int(v.number())
	case "Workers Launched":
		n.WorkersLaunched = int(v.number())
	case "Rows Removed by Filter":
		n.RowsRemovedByFilter = v.number()
	case "Rows Removed by Join Filter":
		n.RowsRemovedByJoinFilter = v.number()
	case "Rows Removed by Index Recheck":
		n.RowsRemovedByIndexRecheck = v.number()
	case "Lossy Heap Blocks":
		n.LossyHeapBlocks = v.number()
	case "Sort Method":
		n.SortMethod = text
	case "Sort Space Used":
		n.SortSpaceKB = v.number()
	case "Sort Space Type":
		n.SortSpaceType = text
	case "Hash Batches":
		n.HashBatches = v.number()
	case "Original Hash Batches":
		n.OriginalHashBatches = v.number()
	case "HashAgg Batches":
		n.HashAggBatches = v.number()
	case "Disk Usage":
		n.DiskUsageKB = v.number()
	case "Peak Memory Usage":
		n.PeakMemoryKB = v.number()
	case "WAL Records":
		n.WALRecords = v.number()
	case "WAL FPI":
		n.WALFPI = v.number()
	case "WAL Bytes":
		n.WALBytes = v.number()
	}
}

// has reports whether the server sent property key for n.
func (n *Node) has(key string) bool {
	for i := range n.Props {
		if n.Props[i].Name == key {
			return true
		}
	}
	return false
}

// prop is the text of property key of n, "" when absent.
func (n *Node) prop(key string) string {
	for i := range n.Props {
		if n.Props[i].Name == key {
			return n.Props[i].Value
		}
	}
	return ""
}

// label builds the heading EXPLAIN's text format prints for n.
func label(n *Node) string {
	var b strings.Builder
	if n.ParallelAware {
		b.WriteString("Parallel ")
	}
	name := n.NodeType
	switch n.NodeType {
	case "Aggregate":
		switch n.prop("Strategy") {
		case "Hashed":
			name = "HashAggregate"
		case "Sorted":
			name = "GroupAggregate"
		case "Mixed":
			name = "MixedAggregate"
		}
		if pm := n.prop("Partial Mode"); pm == "Partial" || pm == "Finalize" {
			name = pm + " " + name
		}
	case "SetOp":
		if n.prop("Strategy") == "Hashed" {
			name = "HashSetOp"
		}
	case "ModifyTable":
		if op := n.prop("Operation"); op != "" {
			name = op
		}
	}
	b.WriteString(name)
	if jt := n.prop("Join Type"); jt != "" && jt != "Inner" {
		switch n.NodeType {
		case "Nested Loop", "Hash Join", "Merge Join":
			b.WriteString(" " + jt)
			if jt != "Semi" && jt != "Anti" {
				b.WriteString(" Join")
			}
		}
	}
	if n.prop("Scan Direction") == "Backward" {
		b.WriteString(" Backward")
	}
	if n.Index != "" && n.NodeType != "Bitmap Index Scan" {
		b.WriteString(" using " + n.Index)
	}
	target := ""
	switch {
	case n.Relation != "":
		target = n.Relation
		if n.Schema != "" {
			target = n.Schema + "." + target
		}
	case n.CTEName != "":
		target = n.CTEName
	case n.Function != "":
		target = n.Function
	case n.NodeType == "Bitmap Index Scan":
		target = n.Index
	}
	if target != "" {
		b.WriteString(" on " + target)
		if n.Alias != "" && n.Alias != n.Relation && n.Alias != n.CTEName && n.Alias != n.Function {
			b.WriteString(" " + n.Alias)
		}
	} else if n.Alias != "" && strings.HasSuffix(n.NodeType, "Scan") {
		b.WriteString(" on " + n.Alias)
	}
	return b.String()
}

func buffersOf(fields []member) Buffers {
	var b Buffers
	for _, f := range fields {
		v := f.val.number()
		switch f.key {
		case "Shared Hit Blocks":
			b.SharedHit = v
		case "Shared Read Blocks":
			b.SharedRead = v
		case "Shared Dirtied Blocks":
			b.SharedDirtied = v
		case "Shared Written Blocks":
			b.SharedWritten = v
		case "Local Hit Blocks":
			b.LocalHit = v
		case "Local Read Blocks":
			b.LocalRead = v
		case "Local Dirtied Blocks":
			b.LocalDirtied = v
		case "Local Written Blocks":
			b.LocalWritten = v
		case "Temp Read Blocks":
			b.TempRead = v
		case "Temp Written Blocks":
			b.TempWritten = v
		case "I/O Read Time", "Shared I/O Read Time":
			b.IOReadMs += v
		case "I/O Write Time", "Shared I/O Write Time":
			b.IOWriteMs += v
		}
	}
	return b
}

// workersOf reads a node's per-worker figures, and whether a worker's sort
// spilled to disk.
func workersOf(v value) ([]Worker, bool) {
	out := []Worker{}
	spilled := false
	for _, w := range v.kids {
		w := w.val
		if w.get("Sort Space Type").display() == "Disk" {
			spilled = true
		}
		if w.get("Actual Loops").kind != 'n' {
			continue // only sort or hash details, no figures of its own
		}
		out = append(out, Worker{Number: int(w.get("Worker Number").number()), ActualTotalMs: w.get("Actual Total Time").number(),
			ActualRows: w.get("Actual Rows").number(), Loops: w.get("Actual Loops").number()})
	}
	return out, spilled
}

func jitOf(v value) *JIT {
	j := &JIT{Options: []string{}, Functions: v.get("Functions").number()}
	opts := v.get("Options")
	for _, o := range []string{"Inlining", "Optimization", "Expressions", "Deforming"} {
		if opts.get(o).kind == 't' {
			j.Options = append(j.Options, o)
		}
	}
	timing := v.get("Timing")
	// PostgreSQL 17 nests Generation as {"Deform", "Total"}.
	at := func(key string) float64 {
		x := timing.get(key)
		if x.kind == 'o' {
			return x.get("Total").number()
		}
		return x.number()
	}
	j.GenerationMs, j.InliningMs = at("Generation"), at("Inlining")
	j.OptimizationMs, j.EmissionMs, j.TotalMs = at("Optimization"), at("Emission"), at("Total")
	return j
}
