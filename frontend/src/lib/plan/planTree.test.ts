import { describe, expect, it } from 'vitest';
import {
  ancestors,
  barPercent,
  compact,
  count,
  factor,
  hottestNode,
  indentPx,
  ms,
  percent,
  ratio,
  reveal,
  rowRange,
  scrollTopToShow,
  visibleNodes,
  weights,
} from './planTree';
import { buildPlan, type NodeSpec } from './testplans';

// Hash Join (0) ─ Seq Scan orders (1)
//              └ Hash (2) ─ Seq Scan customers (3)
const join = buildPlan({
  type: 'Hash Join',
  excl: 2,
  cost: 10,
  kids: [
    { type: 'Seq Scan', relation: 'orders', excl: 6, cost: 60 },
    { type: 'Hash', excl: 0.5, cost: 5, kids: [{ type: 'Seq Scan', relation: 'customers', excl: 1.5, cost: 25 }] },
  ],
});

describe('plan tree', () => {
  it('weighs nodes by exclusive time, or by exclusive cost without timing', () => {
    expect(weights(join)).toEqual([0.2, 0.6, 0.05, 0.15]);
    const untimed = buildPlan({ type: 'Hash Join', cost: 10, kids: [{ type: 'Seq Scan', relation: 'orders', cost: 30 }] }, { timed: false });
    expect(weights(untimed)).toEqual([0.25, 0.75]);
    expect(weights(buildPlan({ type: 'Result' }, { timed: false }))).toEqual([0]);
  });

  it('sizes bars against the heaviest node, never invisible when it has weight', () => {
    expect(barPercent(0.6, 0.6)).toBe(100);
    expect(barPercent(0.15, 0.6)).toBe(25);
    expect(barPercent(0.0001, 0.6)).toBe(1);
    expect(barPercent(0, 0.6)).toBe(0);
    expect(barPercent(0.2, 0)).toBe(0);
  });

  it('lists nodes depth-first and hides collapsed subtrees', () => {
    expect(visibleNodes(join, new Set())).toEqual([0, 1, 2, 3]);
    expect(visibleNodes(join, new Set([2]))).toEqual([0, 1, 2]);
    expect(visibleNodes(join, new Set([0]))).toEqual([0]);
  });

  it('reveals a node by expanding its ancestors only', () => {
    expect(ancestors(join, 3)).toEqual([0, 2]);
    expect(ancestors(join, 0)).toEqual([]);
    const open = reveal(join, new Set([0, 2, 1]), 3);
    expect([...open]).toEqual([1]);
    expect(visibleNodes(join, open)).toContain(3);
  });

  it('starts at the hottest node', () => {
    expect(hottestNode(join)).toBe(1);
    expect(join.hotPath).toEqual([0, 1]);
  });

  it('handles a 1,000-level chain without recursion and keeps it on screen', () => {
    let spec: NodeSpec = { type: 'Result', excl: 1 };
    for (let i = 0; i < 1000; i++) spec = { type: 'Limit', excl: 1, kids: [spec] };
    const deep = buildPlan(spec);
    const rows = visibleNodes(deep, new Set());
    expect(rows).toHaveLength(1001);
    expect(rows[1000]).toBe(1000);
    expect(indentPx(10)).toBe(140);
    expect(indentPx(30)).toBeGreaterThan(indentPx(29));
    expect(indentPx(29)).toBeGreaterThan(indentPx(24));
    expect(indentPx(1000)).toBe(420);
  });

  it('windows rows: only what the viewport shows, plus overscan', () => {
    expect(rowRange(0, 260, 1001, 26, 8)).toEqual({ start: 0, end: 19 });
    expect(rowRange(26 * 500, 260, 1001, 26, 8)).toEqual({ start: 492, end: 519 });
    expect(rowRange(1e9, 260, 1001, 26, 8)).toEqual({ start: 992, end: 1001 });
    expect(rowRange(0, 260, 0)).toEqual({ start: 0, end: 0 });
    // Unmeasured (0 px) viewports still render a row or two, never everything.
    expect(rowRange(0, 0, 1001, 26, 0).end).toBe(2);
  });

  it('scrolls just enough to show a row', () => {
    expect(scrollTopToShow(10, 0, 260, 26)).toBe(26);
    expect(scrollTopToShow(2, 100, 260, 26)).toBe(52);
    expect(scrollTopToShow(5, 100, 260, 26)).toBe(100);
  });

  it('formats figures for people', () => {
    expect(ms(0.0123)).toBe('0.012 ms');
    expect(ms(4.567)).toBe('4.57 ms');
    expect(ms(45.67)).toBe('45.7 ms');
    expect(ms(456.7)).toBe('457 ms');
    expect(ms(2345)).toBe('2.35 s');
    expect(ms(185_000)).toBe('3 min 5 s');
    expect(ms(-12.5)).toBe('-12.5 ms');
    expect(count(1234567)).toBe('1,234,567');
    expect(count(2.5)).toBe('2.5');
    expect(compact(950)).toBe('950');
    expect(compact(12_345)).toBe('12.3k');
    expect(compact(4_500_000)).toBe('4.5M');
    expect(percent(0.456)).toBe('46%');
    expect(percent(0.032)).toBe('3.2%');
    expect(percent(0.0004)).toBe('<0.1%');
    expect(factor(12.4)).toBe('×12');
    expect(factor(1.46)).toBe('×1.5');
  });

  it('formats a comparison ratio so a large drop still reads', () => {
    expect(ratio(3.24)).toBe('×3.2');
    expect(ratio(150.4)).toBe('×150');
    expect(ratio(0.456)).toBe('×0.46');
    expect(ratio(0.147 / 28.3)).toBe('÷193');
    expect(ratio(0)).toBe('–');
    expect(ratio(Number.NaN)).toBe('–');
  });
});
