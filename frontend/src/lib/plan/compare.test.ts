import { describe, expect, it } from 'vitest';
import { compareRows, metricOf, signed, toneOf, totals, type Comparison } from './compare';
import { ms } from './planTree';
import { buildPlan } from './testplans';

// Before: a hash join over two sequential scans; after an index on orders:
// a nested loop with an index scan, and no Hash node.
const before = buildPlan({
  type: 'Hash Join',
  excl: 2,
  rows: 10,
  kids: [
    { type: 'Seq Scan', relation: 'orders', alias: 'o', excl: 80, rows: 10 },
    { type: 'Hash', excl: 1, rows: 100, kids: [{ type: 'Seq Scan', relation: 'customers', alias: 'c', excl: 5, rows: 100 }] },
  ],
});
const after = buildPlan({
  type: 'Nested Loop',
  excl: 0.5,
  rows: 10,
  kids: [
    { type: 'Seq Scan', relation: 'customers', alias: 'c', excl: 5, rows: 100 },
    { type: 'Index Scan', relation: 'orders', alias: 'o', excl: 0.02, rows: 0.1, loops: 100 },
  ],
});

function cmp(pairs: [number, number][]): Comparison {
  return { a: before, b: after, pairs: pairs.map(([a, b]) => ({ a, b, key: `${a}/${b}`, delta: {} })), total: {}, matchedA: 3, matchedB: 3 } as unknown as Comparison;
}

describe('plan comparison', () => {
  // As explain.Compare lists them: B's order, then the nodes only A has.
  const c = cmp([
    [0, 0],
    [3, 1],
    [1, 2],
    [2, -1],
  ]);

  it('lists pairs in the later plan order, with a vanished node where it was', () => {
    const rows = compareRows(c);
    expect(rows.map((r) => r.key)).toEqual(['0:0', '3:1', '1:2', '2:-1']);
    const c2 = cmp([
      [0, 0],
      [1, 2],
      [3, 1],
      [2, -1],
    ]);
    // The Hash (A node 2) follows A node 1 (the orders scan), whose row is second.
    expect(compareRows(c2).map((r) => r.key)).toEqual(['0:0', '1:2', '2:-1', '3:1']);
  });

  it('gives each row the change in time and rows and says which way it went', () => {
    const rows = compareRows(c);
    const orders = rows.find((r) => r.key === '1:2')!;
    expect(orders.a?.label).toBe('Seq Scan on orders o');
    expect(orders.b?.label).toBe('Index Scan on orders o');
    expect(orders.delta).toBeCloseTo(0.02 - 80);
    expect(orders.ratio).toBeCloseTo(0.02 / 80);
    expect(orders.deltaRows).toBeCloseTo(0);
    expect(orders.tone).toBe('better');
    expect(orders.changed).toBe(true);
    const customers = rows.find((r) => r.key === '3:1')!;
    expect(customers.tone).toBe('same');
    expect(customers.changed).toBe(false);
    expect(rows.find((r) => r.key === '2:-1')).toMatchObject({ b: null, tone: 'removed' });
  });

  it('compares costs when either plan has no times', () => {
    const untimed = { ...c, a: { ...before, timed: false } } as Comparison;
    expect(metricOf(c)).toBe('time');
    expect(metricOf(untimed)).toBe('cost');
  });

  it('ignores changes within noise', () => {
    expect(toneOf(100, 105, 'time')).toBe('same');
    expect(toneOf(100, 125, 'time')).toBe('worse');
    expect(toneOf(0.01, 0.05, 'time')).toBe('same');
    expect(toneOf(0, 3, 'time')).toBe('worse');
    expect(toneOf(10, 2, 'cost')).toBe('better');
  });

  it('sums up the whole plans', () => {
    const lines = totals(c);
    expect(lines.map((l) => l.label)).toEqual(['Execution', 'Planning', 'Rows', 'Cost']);
    const exec = lines[0]!;
    expect(exec.a).toBe(88);
    expect(exec.b).toBeCloseTo(5 + 0.5 + 0.02);
    expect(exec.tone).toBe('better');
  });

  it('writes changes with their sign', () => {
    expect(signed(-78, ms)).toBe('−78.0 ms');
    expect(signed(3.5, ms)).toBe('+3.50 ms');
    expect(signed(0, ms)).toBe('0 ms');
  });
});
