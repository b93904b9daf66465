// The plan view's arithmetic: which nodes a tree shows, how deep they are
// drawn, how wide their bars are and which rows of a long plan are
// rendered. Pure functions over the backend's analysed plan (explain.Plan),
// so the view stays a thin rendering of them and they are unit-tested.
import type { explain } from '../../../wailsjs/go/models';

export type Plan = explain.Plan;
export type PlanNode = explain.Node;
export type Finding = explain.Finding;

/** Height of one tree row, px (fixed: the tree is windowed). */
export const ROW_HEIGHT = 26;
/**
 * Indentation per level, px, up to DEEP levels; deeper levels step by
 * DEEP_STEP px up to MAX_INDENT, and the view labels them with their level.
 */
export const INDENT = 14;
export const DEEP = 24;
export const DEEP_STEP = 2;
export const MAX_INDENT = 420;
/** Rows rendered beyond the viewport, each way. */
export const OVERSCAN = 8;

/**
 * ranksByTime reports whether the plan ranks its nodes by time: it has
 * actual times (ANALYZE with TIMING). Otherwise the planner's exclusive
 * cost ranks them, as the backend's hottest path does.
 */
export function ranksByTime(plan: Plan): boolean {
  return plan.timed && plan.totalMs > 0;
}

/**
 * weights is each node's part of the whole plan (0–1, summing to 1):
 * exclusive time ÷ total when the plan has times, else exclusive cost ÷ the
 * sum of exclusive costs. A plan with neither gives zeros.
 */
export function weights(plan: Plan): number[] {
  const nodes = plan.nodes ?? [];
  if (ranksByTime(plan)) return nodes.map((n) => Math.max(0, n.exclusiveMs) / plan.totalMs);
  let sum = 0;
  for (const n of nodes) sum += Math.max(0, n.exclusiveCost);
  return nodes.map((n) => (sum > 0 ? Math.max(0, n.exclusiveCost) / sum : 0));
}

/**
 * barPercent is a bar's width in % of its track for a weight: the plan's
 * largest weight fills the track, so the hottest node's bar is full and the
 * others compare with it; a node with any weight shows at least a sliver.
 */
export function barPercent(weight: number, maxWeight: number): number {
  if (!(weight > 0) || !(maxWeight > 0)) return 0;
  return Math.max(1, Math.min(100, (weight / maxWeight) * 100));
}

/** indentPx is how far a node at depth is indented: deep chains are compressed and capped so a 1,000-level plan stays on screen. */
export function indentPx(depth: number): number {
  const d = Math.max(0, depth);
  return d <= DEEP ? d * INDENT : Math.min(MAX_INDENT, DEEP * INDENT + (d - DEEP) * DEEP_STEP);
}

/**
 * visibleNodes lists the nodes the tree shows, in depth-first order (the
 * plan's own order), leaving out the subtrees of collapsed nodes.
 * Iterative: a 1,000-level plan does not recurse 1,000 deep.
 */
export function visibleNodes(plan: Plan, collapsed: ReadonlySet<number>): number[] {
  const nodes = plan.nodes ?? [];
  if (nodes.length === 0) return [];
  const out: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const id = stack.pop()!;
    out.push(id);
    if (collapsed.has(id)) continue;
    const kids = nodes[id]?.children ?? [];
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]!);
  }
  return out;
}

/** ancestors lists the nodes above id, from the root down to its parent. */
export function ancestors(plan: Plan, id: number): number[] {
  const out: number[] = [];
  const nodes = plan.nodes ?? [];
  for (let p = nodes[id]?.parent ?? -1; p >= 0; p = nodes[p]?.parent ?? -1) out.push(p);
  return out.reverse();
}

/** reveal returns collapsed without the ancestors of id, so id is shown. */
export function reveal(plan: Plan, collapsed: ReadonlySet<number>, id: number): Set<number> {
  const next = new Set(collapsed);
  for (const a of ancestors(plan, id)) next.delete(a);
  return next;
}

/**
 * hottestNode is where a plan view starts: the last node of the hottest
 * path (the node with the largest exclusive time or cost), else the root.
 */
export function hottestNode(plan: Plan): number {
  const path = plan.hotPath ?? [];
  return path.length ? path[path.length - 1]! : 0;
}

export interface RowRange {
  /** First rendered row (inclusive) and end (exclusive), overscan included. */
  start: number;
  end: number;
}

/** rowRange is which rows of a windowed list of count rows to render at scrollTop. */
export function rowRange(scrollTop: number, viewport: number, count: number, rowHeight = ROW_HEIGHT, overscan = OVERSCAN): RowRange {
  if (count <= 0) return { start: 0, end: 0 };
  const first = Math.max(0, Math.min(count - 1, Math.floor(Math.max(0, scrollTop) / rowHeight)));
  const shown = Math.ceil(Math.max(viewport, rowHeight) / rowHeight) + 1;
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + shown + overscan) };
}

/** scrollTopToShow is the scrollTop that shows row i entirely, moving as little as possible from current. */
export function scrollTopToShow(i: number, current: number, viewport: number, rowHeight = ROW_HEIGHT): number {
  const top = i * rowHeight;
  if (top < current) return top;
  if (top + rowHeight > current + viewport) return Math.max(0, top + rowHeight - viewport);
  return current;
}

/** findingsByNode groups a plan's findings by the node they point at. */
export function findingsByNode(plan: Plan): Map<number, Finding[]> {
  const out = new Map<number, Finding[]>();
  for (const f of plan.findings ?? []) out.set(f.node, [...(out.get(f.node) ?? []), f]);
  return out;
}

// ---------------------------------------------------------------------------
// Figures as people read them

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** ms formats a duration in milliseconds with sensible precision: 0.012 ms, 4.56 ms, 123 ms, 2.35 s, 3 min 5 s. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 60_000) {
    const m = Math.floor(a / 60_000);
    return `${v < 0 ? '-' : ''}${m} min ${Math.round((a % 60_000) / 1000)} s`;
  }
  if (a >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (a >= 100) return `${v.toFixed(0)} ms`;
  if (a >= 10) return `${v.toFixed(1)} ms`;
  if (a >= 1) return `${v.toFixed(2)} ms`;
  if (a === 0) return '0 ms';
  return `${v.toFixed(3)} ms`;
}

/** count formats a row or block count exactly, with thousands separators; fractions (rows per loop) keep one decimal. */
export function count(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? whole.format(v) : v.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** compact formats a large count briefly for a narrow column: 950, 12.3k, 4.5M, 1.2G. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a < 10_000) return count(Math.round(v));
  const [div, unit] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  const x = v / div;
  return `${Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1)}${unit}`;
}

/** percent formats a 0–1 share: 45%, 3.2%, 0.4%, and "<0.1%" for a sliver. */
export function percent(share: number): string {
  const p = share * 100;
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  return p < 10 ? `${p.toFixed(1)}%` : `${p.toFixed(0)}%`;
}

/** factor formats a misestimate or a ratio: ×12, ×1.5. */
export function factor(v: number): string {
  return v >= 10 ? `×${whole.format(Math.round(v))}` : `×${v.toFixed(1)}`;
}

/**
 * ratio formats B ÷ A of a comparison: ×3.2 or ×150 when B grew, ×0.45
 * when it shrank a little, ÷193 when it shrank to under a tenth (×0.0
 * would say nothing).
 */
export function ratio(v: number): string {
  if (!(v > 0)) return '–';
  if (v >= 1) return factor(v);
  if (v >= 0.1) return `×${v.toFixed(2)}`;
  return `÷${whole.format(Math.round(1 / v))}`;
}

/** kb formats kilobytes: 512 kB, 12.5 MB, 1.2 GB. */
export function kb(v: number): string {
  if (v >= 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} GB`;
  if (v >= 1024) return `${(v / 1024).toFixed(1)} MB`;
  return `${whole.format(v)} kB`;
}
