package explain

import (
	"fmt"
	"slices"
	"strings"
)

// FindingKind names what a Finding is about.
type FindingKind string

// The kinds of finding. docs/plan-analysis.md explains each.
const (
	// SeqScanFilter: a sequential scan read many rows and its filter threw
	// most of them away.
	SeqScanFilter FindingKind = "seq-scan-filter"
	// Misestimate: the planner's row estimate was off by a factor of
	// MisestimateFactor or more.
	Misestimate FindingKind = "misestimate"
	// SortSpill: a sort ran out of work_mem and used temporary files.
	SortSpill FindingKind = "sort-spill"
	// HashSpill: a hash (of a hash join or a hashed aggregate) was split
	// into batches on disk.
	HashSpill FindingKind = "hash-spill"
	// NestedLoopLoops: a nested loop ran its inner side very often.
	NestedLoopLoops FindingKind = "nested-loop-loops"
	// LowCacheHit: a node found few of its pages in shared buffers.
	LowCacheHit FindingKind = "low-cache-hit"
	// HeavyJIT: JIT compilation took a large part of the execution.
	HeavyJIT FindingKind = "heavy-jit"
	// RowsRemoved: a filter, join filter or index recheck removed many
	// rows after they were read.
	RowsRemoved FindingKind = "rows-removed"
)

// Severities of a Finding.
const (
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Thresholds of the findings.
const (
	// SeqScanMinRows is how many rows a sequential scan must read (all
	// loops) for SeqScanFilter; SeqScanMaxKept the largest share of them it
	// may keep.
	SeqScanMinRows = 10_000
	SeqScanMaxKept = 0.10
	// MisestimateFactor is the smallest factor between actual and planned
	// rows that is a Misestimate, and MisestimateMinRows the rows (all
	// loops) one side must reach, so that 1 against 9 is not reported.
	MisestimateFactor  = 10
	MisestimateMinRows = 100
	// NestedLoopMinLoops is how often the inner side must run.
	NestedLoopMinLoops = 1_000
	// LowCacheHitRatio is the hit ratio below which a node that touched at
	// least LowCacheMinBlocks shared blocks (its own, without its
	// children's) is reported.
	LowCacheHitRatio  = 0.90
	LowCacheMinBlocks = 1_000
	// HeavyJITShare is the share of the execution time JIT must take, and
	// HeavyJITMinMs its least time.
	HeavyJITShare = 0.10
	HeavyJITMinMs = 50
	// RowsRemovedMin is how many rows (all loops) a filter, join filter or
	// recheck must remove, and at least as many as it kept.
	RowsRemovedMin = 1_000
	// WarningShare is the share of the plan's time from which a finding on
	// a node is a warning rather than information.
	WarningShare = 0.10
)

// Finding points at one node with a one-line explanation.
type Finding struct {
	Kind     FindingKind `json:"kind"`
	Severity string      `json:"severity"`
	// Node is the index in Plan.Nodes of the node it is about.
	Node int `json:"node"`
	// Message is the one-line explanation; Hint says what usually helps.
	Message string `json:"message"`
	Hint    string `json:"hint"`
}

// findings lists what deserves a look in p, warnings first, then by the
// time of the node they point at.
func findings(p *Plan) []Finding {
	out := []Finding{}
	add := func(kind FindingKind, n *Node, msg, hint string) {
		sev := SeverityInfo
		if !p.Timed || n.Share >= WarningShare {
			sev = SeverityWarning
		}
		out = append(out, Finding{Kind: kind, Severity: sev, Node: n.ID, Message: msg, Hint: hint})
	}
	if !p.Analyzed {
		return out
	}
	flaggedMisestimate := make([]bool, len(p.Nodes))
	// Children come after their parents: walk backwards so a misestimate
	// is reported where it starts, not again at every node above it.
	for i := len(p.Nodes) - 1; i >= 0; i-- {
		n := &p.Nodes[i]
		if n.NeverExecuted {
			continue
		}
		if n.Misestimate >= MisestimateFactor && max(n.RowsTotal, n.EstimatedRowsTotal) >= MisestimateMinRows &&
			(n.Underestimate || !p.mayStopEarly(i)) {
			inherited := false
			for _, c := range n.Children {
				if flaggedMisestimate[c] && p.Nodes[c].Underestimate == n.Underestimate {
					inherited = true
				}
			}
			flaggedMisestimate[i] = true
			if !inherited {
				dir := "over"
				if n.Underestimate {
					dir = "under"
				}
				add(Misestimate, n, fmt.Sprintf("%s: the planner expected %s rows per loop and got %s, %sestimated %s×",
					n.Label, count(n.PlanRows), count(n.ActualRows), dir, count(n.Misestimate)),
					"Run ANALYZE on the tables; for correlated columns, CREATE STATISTICS; raise the column's statistics target for skewed data.")
			}
		}
	}
	for i := range p.Nodes {
		n := &p.Nodes[i]
		if n.NeverExecuted {
			continue
		}
		removed := n.RowsRemovedByFilter * n.Loops
		switch {
		case n.NodeType == "Seq Scan":
			read := n.RowsTotal + removed
			if read >= SeqScanMinRows && n.RowsTotal <= SeqScanMaxKept*read {
				add(SeqScanFilter, n, fmt.Sprintf("%s reads %s rows to keep %s (%s)", n.Label, count(read), count(n.RowsTotal), percent(n.RowsTotal/read)),
					"An index on the filter's columns would read only the rows it keeps.")
			}
		case removed >= RowsRemovedMin && removed >= n.RowsTotal:
			add(RowsRemoved, n, fmt.Sprintf("%s: its filter removed %s rows after reading them and kept %s", n.Label, count(removed), count(n.RowsTotal)),
				"An index (or a better one) covering the filter's columns would skip those rows.")
		}
		if jr := n.RowsRemovedByJoinFilter * n.Loops; jr >= RowsRemovedMin && jr >= n.RowsTotal {
			add(RowsRemoved, n, fmt.Sprintf("%s: its join filter removed %s row pairs and kept %s", n.Label, count(jr), count(n.RowsTotal)),
				"Join on equality conditions the planner can use as join keys, or index the filtered columns.")
		}
		if rr := n.RowsRemovedByIndexRecheck * n.Loops; rr >= RowsRemovedMin && rr >= n.RowsTotal {
			hint := "The index is lossy for this condition; a different operator class or index type can be exact."
			if n.LossyHeapBlocks > 0 {
				hint = "The bitmap became lossy (it did not fit in work_mem): raise work_mem so it keeps row detail."
			}
			add(RowsRemoved, n, fmt.Sprintf("%s: the index recheck removed %s rows and kept %s", n.Label, count(rr), count(n.RowsTotal)), hint)
		}
		if n.SortSpaceType == "Disk" || strings.HasPrefix(n.SortMethod, "external") || n.workerSpilled {
			add(SortSpill, n, fmt.Sprintf("%s spilled to disk (%s, %s)", n.Label, orDash(n.SortMethod), kb(n.SortSpaceKB)),
				fmt.Sprintf("Raise work_mem above %s for this query (SET work_mem), or sort fewer or narrower rows.", kb(n.SortSpaceKB*2)))
		}
		if n.HashBatches > 1 || n.OriginalHashBatches > 1 {
			add(HashSpill, n, fmt.Sprintf("%s was split into %s batches on disk", n.Label, count(max(n.HashBatches, n.OriginalHashBatches))),
				"Raise work_mem (or hash_mem_multiplier) so the hash table fits in memory.")
		}
		if n.HashAggBatches > 1 || n.DiskUsageKB > 0 {
			add(HashSpill, n, fmt.Sprintf("%s spilled %s to disk in %s batches", n.Label, kb(n.DiskUsageKB), count(max(n.HashAggBatches, 1))),
				"Raise work_mem (or hash_mem_multiplier) so the hash table fits in memory.")
		}
		if n.NodeType == "Nested Loop" {
			for _, c := range n.Children {
				if ch := &p.Nodes[c]; ch.Relationship == "Inner" && ch.Loops >= NestedLoopMinLoops {
					add(NestedLoopLoops, n, fmt.Sprintf("%s ran its inner side (%s) %s times", n.Label, ch.Label, count(ch.Loops)),
						"A hash or merge join reads each side once; check the row estimate of the outer side and the indexes on the join key.")
				}
			}
		}
		if b := n.ExclusiveBuffers; b.SharedHit+b.SharedRead >= LowCacheMinBlocks && b.HitRatio() < LowCacheHitRatio {
			add(LowCacheHit, n, fmt.Sprintf("%s found %s of %s pages in the cache (%s hit ratio)", n.Label, count(b.SharedHit), count(b.SharedHit+b.SharedRead), percent(b.HitRatio())),
				"The pages came from the operating system or disk: a cold cache, a table larger than shared_buffers, or a scan that reads more than it needs.")
		}
	}
	if j := p.JIT; j != nil && p.ExecutionMs > 0 && j.TotalMs >= HeavyJITMinMs && j.TotalMs >= HeavyJITShare*p.ExecutionMs {
		n := &p.Nodes[0]
		out = append(out, Finding{Kind: HeavyJIT, Severity: SeverityWarning, Node: n.ID,
			Message: fmt.Sprintf("JIT compilation took %s, %s of the execution time", ms(j.TotalMs), percent(j.TotalMs/p.ExecutionMs)),
			Hint:    "The query's estimated cost crossed jit_above_cost; for a query this short, SET jit = off or raise jit_above_cost."})
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if a.Severity != b.Severity {
			if a.Severity == SeverityWarning {
				return -1
			}
			return 1
		}
		sa, sb := p.Nodes[a.Node].Share, p.Nodes[b.Node].Share
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	return out
}

// count formats a row or block count: 1,234,567; fractions keep one digit.
func count(f float64) string {
	if f != float64(int64(f)) && f < 100 {
		return fmt.Sprintf("%.1f", f)
	}
	s := fmt.Sprintf("%.0f", f)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func percent(f float64) string {
	switch {
	case f < 0.001 && f > 0:
		return "<0.1%"
	case f < 0.1:
		return fmt.Sprintf("%.1f%%", f*100)
	}
	return fmt.Sprintf("%.0f%%", f*100)
}

func kb(k float64) string {
	switch {
	case k >= 1024*1024:
		return fmt.Sprintf("%.1f GB", k/1024/1024)
	case k >= 1024:
		return fmt.Sprintf("%.1f MB", k/1024)
	}
	return fmt.Sprintf("%.0f kB", k)
}

func ms(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2f s", v/1000)
	}
	return fmt.Sprintf("%.1f ms", v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
