// Package explain reads PostgreSQL's EXPLAIN (FORMAT JSON) output and
// explains it: a typed plan tree, the time and rows of every node, the
// slowest path, findings that point at the nodes to look at, and a
// comparison of two plans of the same query.
//
// # Reading a plan
//
// Parse takes the text the server returns for EXPLAIN (FORMAT JSON, …),
// with or without ANALYZE, BUFFERS, VERBOSE, SETTINGS, WAL or TIMING, and
// returns a Plan whose Nodes are in depth-first order (Nodes[0] is the
// root; Parent and Children are indexes into Nodes). Every property the
// server sent stays readable in Node.Props, in the server's order, so a
// property this package does not know still reaches the user.
//
// # Time
//
// PostgreSQL reports a node's "Actual Total Time" as the average of one
// loop, in milliseconds, including its children. Parse turns that into:
//
//   - InclusiveMs: total time × loops. Below a Gather or Gather Merge the
//     loops ran in parallel processes (the workers and the leader), so the
//     figure is the busiest process's time when VERBOSE gave per-worker
//     figures, and total × loops ÷ processes otherwise.
//   - ExclusiveMs: InclusiveMs minus the InclusiveMs of the children. An
//     InitPlan (and a CTE, which runs as one) is not executed by the node
//     that lists it but by the node that first reads its result, so its
//     time is taken off that node instead: the CTE Scans of the CTE, in plan
//     order; for other InitPlans the first node in the subtree whose
//     conditions or output mention the InitPlan's parameter ($n, or
//     "(InitPlan n)" from PostgreSQL 16 on), else the node that lists it.
//     Figures are clamped at zero: rounding and timing overhead can make a
//     child look slower than its parent.
//   - Share: ExclusiveMs over the sum of all nodes' ExclusiveMs (TotalMs).
//
// Without ANALYZE (or with TIMING off) there are no times; ExclusiveCost
// (a node's total cost minus its children's) ranks nodes instead.
//
// Rows are compared per loop: ActualRows against PlanRows, and the larger
// over the smaller (each at least 1) is the Misestimate factor.
//
// # The hottest path
//
// HotPath lists the nodes from the root to the node with the largest
// ExclusiveMs (ExclusiveCost without timing): the chain a user expands to
// see where the time went. Those nodes have Hot set.
//
// # Findings
//
// Analyze's findings each name one node and say in one line what is wrong;
// docs/plan-analysis.md lists them with their thresholds (the constants
// in findings.go).
//
// # Comparing plans
//
// Compare matches the nodes of two plans and reports per node, and in
// total, the change in time and rows. The matching rule is in Compare's
// documentation.
package explain
