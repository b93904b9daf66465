// Plans for unit tests: the shape the backend's explain.Parse returns,
// built from a compact description so tests say only what matters.
import type { Plan, PlanNode } from './planTree';

export interface NodeSpec {
  type: string;
  relation?: string;
  alias?: string;
  excl?: number;
  cost?: number;
  rows?: number;
  planRows?: number;
  loops?: number;
  kids?: NodeSpec[];
}

/** buildPlan flattens a tree of NodeSpecs depth-first, as explain.Parse does, and fills the computed figures. */
export function buildPlan(root: NodeSpec, opts: { timed?: boolean; findings?: Plan['findings'] } = {}): Plan {
  const nodes: PlanNode[] = [];
  const add = (s: NodeSpec, parent: number, depth: number): number => {
    const id = nodes.length;
    const n = {
      id,
      parent,
      children: [] as number[],
      depth,
      nodeType: s.type,
      label: s.relation ? `${s.type} on ${s.relation}${s.alias && s.alias !== s.relation ? ` ${s.alias}` : ''}` : s.type,
      relationship: parent < 0 ? '' : 'Outer',
      subplanName: '',
      relation: s.relation ?? '',
      schema: '',
      alias: s.alias ?? s.relation ?? '',
      index: '',
      cteName: '',
      function: '',
      exclusiveMs: s.excl ?? 0,
      exclusiveCost: s.cost ?? 0,
      inclusiveMs: 0,
      totalCost: 0,
      rowsTotal: (s.rows ?? 0) * (s.loops ?? 1),
      actualRows: s.rows ?? 0,
      planRows: s.planRows ?? s.rows ?? 0,
      loops: s.loops ?? 1,
      share: 0,
      hot: false,
      props: [{ name: 'Node Type', value: s.type }],
      buffers: {},
      exclusiveBuffers: {},
      workers: [],
    } as unknown as PlanNode;
    nodes.push(n);
    if (parent >= 0) nodes[parent]!.children.push(id);
    for (const k of s.kids ?? []) add(k, id, depth + 1);
    return id;
  };
  add(root, -1, 0);
  // Inclusive figures bottom-up (children come after their parents).
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    n.inclusiveMs = n.exclusiveMs + n.children.reduce((s, c) => s + nodes[c]!.inclusiveMs, 0);
    n.totalCost = n.exclusiveCost + n.children.reduce((s, c) => s + nodes[c]!.totalCost, 0);
  }
  const timed = opts.timed ?? true;
  const totalMs = nodes.reduce((s, n) => s + n.exclusiveMs, 0);
  for (const n of nodes) n.share = totalMs > 0 ? n.exclusiveMs / totalMs : 0;
  // The hottest path: root → the node with the largest weight.
  const key = (n: PlanNode) => (timed ? n.exclusiveMs : n.exclusiveCost);
  let hottest = 0;
  nodes.forEach((n, i) => {
    if (key(n) > key(nodes[hottest]!)) hottest = i;
  });
  const hotPath: number[] = [];
  for (let p = hottest; p >= 0; p = nodes[p]!.parent) hotPath.unshift(p);
  for (const h of hotPath) nodes[h]!.hot = true;
  return {
    nodes,
    analyzed: timed,
    timed,
    hasBuffers: false,
    planningMs: 0.1,
    executionMs: totalMs,
    totalMs,
    totalCost: nodes[0]?.totalCost ?? 0,
    buffers: {},
    planningBuffers: {},
    triggers: [],
    settings: [],
    hotPath,
    findings: opts.findings ?? [],
    raw: '[]',
  } as unknown as Plan;
}
