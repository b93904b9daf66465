package explain

import (
	"fmt"
	"strings"
)

// headingProps are the properties Text prints in a node's heading line or
// in its Buffers and WAL lines rather than as "Name: value" lines.
var headingProps = map[string]bool{
	"Node Type": true, "Parent Relationship": true, "Subplan Name": true, "Parallel Aware": true,
	"Async Capable": true, "Relation Name": true, "Schema": true, "Alias": true, "Index Name": true,
	"CTE Name": true, "Function Name": true, "Startup Cost": true, "Total Cost": true, "Plan Rows": true,
	"Plan Width": true, "Actual Startup Time": true, "Actual Total Time": true, "Actual Rows": true,
	"Actual Loops": true, "Join Type": true, "Strategy": true, "Partial Mode": true, "Operation": true,
	"Scan Direction": true, "WAL Records": true, "WAL FPI": true, "WAL Bytes": true,
	"Shared Hit Blocks": true, "Shared Read Blocks": true, "Shared Dirtied Blocks": true,
	"Shared Written Blocks": true, "Local Hit Blocks": true, "Local Read Blocks": true,
	"Local Dirtied Blocks": true, "Local Written Blocks": true, "Temp Read Blocks": true,
	"Temp Written Blocks": true,
}

// Text renders p the way EXPLAIN's text format does: one heading per node
// with costs and actual figures, its details indented below it, InitPlans
// and CTEs named, then the planning and execution times.
func (p *Plan) Text() string {
	var b strings.Builder
	p.text(&b, 0, 0)
	if p.PlanningMs > 0 || p.Analyzed {
		fmt.Fprintf(&b, "Planning Time: %.3f ms\n", p.PlanningMs)
	}
	for _, t := range p.Triggers {
		fmt.Fprintf(&b, "Trigger %s: time=%.3f calls=%.0f\n", t.Name, t.TimeMs, t.Calls)
	}
	if j := p.JIT; j != nil {
		fmt.Fprintf(&b, "JIT:\n  Functions: %.0f\n  Options: %s\n  Timing: Generation %.3f ms, Inlining %.3f ms, Optimization %.3f ms, Emission %.3f ms, Total %.3f ms\n",
			j.Functions, strings.Join(j.Options, ", "), j.GenerationMs, j.InliningMs, j.OptimizationMs, j.EmissionMs, j.TotalMs)
	}
	if p.Analyzed {
		fmt.Fprintf(&b, "Execution Time: %.3f ms\n", p.ExecutionMs)
	}
	return b.String()
}

func (p *Plan) text(b *strings.Builder, i, indent int) {
	n := &p.Nodes[i]
	pad := strings.Repeat(" ", indent)
	detail := pad + "  "
	childIndent := indent + 2
	if n.Parent >= 0 {
		if n.Relationship == "InitPlan" || n.Relationship == "SubPlan" {
			name := n.SubplanName
			if name == "" {
				name = n.Relationship
			}
			fmt.Fprintf(b, "%s%s\n", pad, name)
			pad += "  "
		}
		fmt.Fprintf(b, "%s->  ", pad)
		detail = pad + "      "
		childIndent = len(detail)
	}
	fmt.Fprintf(b, "%s  (cost=%.2f..%.2f rows=%.0f width=%d)", n.Label, n.StartupCost, n.TotalCost, n.PlanRows, n.PlanWidth)
	switch {
	case p.Analyzed && n.NeverExecuted:
		b.WriteString(" (never executed)")
	case p.Timed:
		fmt.Fprintf(b, " (actual time=%.3f..%.3f rows=%.0f loops=%.0f)", n.ActualStartupMs, n.ActualTotalMs, n.ActualRows, n.Loops)
	case p.Analyzed:
		fmt.Fprintf(b, " (actual rows=%.0f loops=%.0f)", n.ActualRows, n.Loops)
	}
	b.WriteByte('\n')
	for _, prop := range n.Props {
		if !headingProps[prop.Name] {
			fmt.Fprintf(b, "%s%s: %s\n", detail, prop.Name, prop.Value)
		}
	}
	if p.HasBuffers {
		if s := buffersText(n.Buffers); s != "" {
			fmt.Fprintf(b, "%sBuffers: %s\n", detail, s)
		}
	}
	if n.WALRecords > 0 || n.WALBytes > 0 {
		fmt.Fprintf(b, "%sWAL: records=%.0f fpi=%.0f bytes=%.0f\n", detail, n.WALRecords, n.WALFPI, n.WALBytes)
	}
	for _, w := range n.Workers {
		fmt.Fprintf(b, "%sWorker %d:  actual time=%.3f rows=%.0f loops=%.0f\n", detail, w.Number, w.ActualTotalMs, w.ActualRows, w.Loops)
	}
	for _, c := range n.Children {
		p.text(b, c, childIndent)
	}
}

// buffersText is EXPLAIN's "shared hit=1 read=2, temp read=3" line.
func buffersText(bu Buffers) string {
	var parts []string
	group := func(name string, kv ...any) {
		var items []string
		for k := 0; k+1 < len(kv); k += 2 {
			if v := kv[k+1].(float64); v > 0 {
				items = append(items, fmt.Sprintf("%s=%.0f", kv[k], v))
			}
		}
		if len(items) > 0 {
			parts = append(parts, name+" "+strings.Join(items, " "))
		}
	}
	group("shared", "hit", bu.SharedHit, "read", bu.SharedRead, "dirtied", bu.SharedDirtied, "written", bu.SharedWritten)
	group("local", "hit", bu.LocalHit, "read", bu.LocalRead, "dirtied", bu.LocalDirtied, "written", bu.LocalWritten)
	group("temp", "read", bu.TempRead, "written", bu.TempWritten)
	return strings.Join(parts, ", ")
}
