// The comparison table: the backend matched the nodes of two plans
// (explain.Compare); this turns its pairs into the rows the side-by-side
// view draws — each row a node of plan A beside its partner in plan B, with
// the change between them — and says whether a change is for the better.
import type { explain } from '../../../wailsjs/go/models';
import type { Plan, PlanNode } from './planTree';

export type Comparison = explain.Comparison;

/** What the comparison measures: time when both plans have actual times, else the planner's cost. */
export type Metric = 'time' | 'cost';

/** plansOf is the two plans of a comparison (the backend always sends both). */
function plansOf(c: Comparison): { a: Plan; b: Plan } {
  if (!c.a || !c.b) throw new Error('a comparison without its plans');
  return { a: c.a, b: c.b };
}

export function metricOf(c: Comparison): Metric {
  return c.a?.timed && c.b?.timed ? 'time' : 'cost';
}

/** One side of a row: a node of one plan. */
export interface Side {
  id: number;
  label: string;
  depth: number;
  /** The node's time including its children (ms), or its total cost (per loop, as the planner gives it) without timing. */
  value: number;
  /** Rows over all loops (actual with ANALYZE, else estimated). */
  rows: number;
  loops: number;
}

export type Tone = 'better' | 'worse' | 'same' | 'added' | 'removed';

export interface CompareRow {
  key: string;
  a: Side | null;
  b: Side | null;
  /** B − A of value and rows; ratio is B ÷ A of value (0 when A is 0). */
  delta: number;
  ratio: number;
  deltaRows: number;
  tone: Tone;
  /** The matched nodes work differently (a Seq Scan became an Index Scan). */
  changed: boolean;
}

/** A change smaller than this share of the before figure, or than MIN_MS / MIN_COST, is no change. */
export const SAME_SHARE = 0.1;
export const MIN_MS = 0.1;
export const MIN_COST = 1;

/** toneOf says whether going from before to after is better (less), worse (more) or about the same. */
export function toneOf(before: number, after: number, metric: Metric): Tone {
  const floor = metric === 'time' ? MIN_MS : MIN_COST;
  const d = after - before;
  if (Math.abs(d) < floor || Math.abs(d) <= SAME_SHARE * Math.abs(before)) return 'same';
  return d < 0 ? 'better' : 'worse';
}

function side(plan: Plan, id: number, metric: Metric): Side | null {
  const n: PlanNode | undefined = plan.nodes?.[id];
  if (id < 0 || !n) return null;
  return {
    id,
    label: n.label || n.nodeType,
    depth: n.depth,
    value: metric === 'time' ? n.inclusiveMs : n.totalCost,
    rows: plan.analyzed ? n.rowsTotal : n.planRows * Math.max(1, n.loops || 1),
    loops: n.loops,
  };
}

/**
 * compareRows builds the table: the matched pairs in plan B's order, and
 * each node only plan A has placed right after the row of the A node that
 * precedes it in A's order, so a node that went away shows where it was.
 */
export function compareRows(c: Comparison): CompareRow[] {
  const metric = metricOf(c);
  const rows: CompareRow[] = [];
  const rowOfA = new Map<number, number>(); // A node → index in rows
  const onlyA: explain.NodePair[] = [];
  for (const p of c.pairs ?? []) {
    if (p.b < 0) {
      onlyA.push(p);
      continue;
    }
    if (p.a >= 0) rowOfA.set(p.a, rows.length);
    rows.push(row(c, p, metric));
  }
  // Insert the A-only nodes, in A's order, after their predecessor's row.
  onlyA.sort((x, y) => x.a - y.a);
  const inserts = new Map<number, CompareRow[]>(); // after row index (-1: first)
  for (const p of onlyA) {
    let after = -1;
    for (let j = p.a - 1; j >= 0; j--) {
      const r = rowOfA.get(j);
      if (r !== undefined) {
        after = r;
        break;
      }
    }
    const r = row(c, p, metric);
    inserts.set(after, [...(inserts.get(after) ?? []), r]);
    // A later A-only node whose predecessor is this one goes after it too.
    rowOfA.set(p.a, after);
  }
  const out: CompareRow[] = [...(inserts.get(-1) ?? [])];
  rows.forEach((r, i) => out.push(r, ...(inserts.get(i) ?? [])));
  return out;
}

function row(c: Comparison, p: explain.NodePair, metric: Metric): CompareRow {
  const plans = plansOf(c);
  const a = side(plans.a, p.a, metric);
  const b = side(plans.b, p.b, metric);
  const av = a?.value ?? 0;
  const bv = b?.value ?? 0;
  let tone: Tone = toneOf(av, bv, metric);
  if (!a) tone = 'added';
  if (!b) tone = 'removed';
  const na = a ? plans.a.nodes[a.id] : undefined;
  const nb = b ? plans.b.nodes[b.id] : undefined;
  return {
    key: `${p.a}:${p.b}`,
    a,
    b,
    delta: bv - av,
    ratio: av > 0 ? bv / av : 0,
    deltaRows: (b?.rows ?? 0) - (a?.rows ?? 0),
    tone,
    changed: !!(na && nb && (na.nodeType !== nb.nodeType || na.index !== nb.index)),
  };
}

export interface TotalLine {
  label: string;
  a: number;
  b: number;
  delta: number;
  tone: Tone;
  unit: 'ms' | 'rows' | 'blocks' | 'cost';
}

/** totals lists the whole-plan figures, before and after: execution and planning time, rows, shared blocks, cost. */
export function totals(c: Comparison): TotalLine[] {
  const { a, b } = plansOf(c);
  const lines: TotalLine[] = [];
  const add = (label: string, x: number, y: number, unit: TotalLine['unit'], metric: Metric) =>
    lines.push({ label, a: x, b: y, delta: y - x, tone: toneOf(x, y, metric), unit });
  if (a.executionMs || b.executionMs) add('Execution', a.executionMs, b.executionMs, 'ms', 'time');
  if (a.planningMs || b.planningMs) add('Planning', a.planningMs, b.planningMs, 'ms', 'time');
  const rowsOf = (p: Plan) => (p.analyzed ? (p.nodes?.[0]?.rowsTotal ?? 0) : (p.nodes?.[0]?.planRows ?? 0));
  lines.push({ label: 'Rows', a: rowsOf(a), b: rowsOf(b), delta: rowsOf(b) - rowsOf(a), tone: 'same', unit: 'rows' });
  const blocks = (p: Plan) => (p.buffers?.sharedHit ?? 0) + (p.buffers?.sharedRead ?? 0);
  if (a.hasBuffers || b.hasBuffers) add('Shared blocks', blocks(a), blocks(b), 'blocks', 'cost');
  add('Cost', a.totalCost, b.totalCost, 'cost', 'cost');
  return lines;
}

/** signed prefixes a change with + or − (a real minus sign); zero has no sign. */
export function signed(v: number, format: (x: number) => string): string {
  if (v === 0 || !Number.isFinite(v)) return format(0);
  return `${v > 0 ? '+' : '−'}${format(Math.abs(v))}`;
}
