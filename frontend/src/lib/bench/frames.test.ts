import { describe, expect, it } from 'vitest';
import { FRAME_MS, frameStats, percentile } from './frames';

const at = (intervals: number[]) => intervals.reduce<number[]>((ts, d) => [...ts, (ts[ts.length - 1] ?? 0) + d], [0]);

describe('frameStats', () => {
  it('reports a steady 60 Hz as no dropped frames', () => {
    const f = frameStats(at(Array(100).fill(FRAME_MS)));
    expect(f).toMatchObject({ frames: 100, p50: 16.7, p95: 16.7, droppedPct: 0, blankPct: 0 });
  });

  it('counts a long frame as the refreshes it missed', () => {
    // 8 good frames and 2 frames of 3 refreshes: 14 refreshes, 4 of them dropped.
    const f = frameStats(at([...Array(8).fill(FRAME_MS), 3 * FRAME_MS, 3 * FRAME_MS]));
    expect(f.frames).toBe(10);
    expect(f.droppedPct).toBe(28.6);
    expect(f.p50).toBe(16.7);
    expect(f.p95).toBe(50);
  });

  it('shares blank frames over the frames seen', () => {
    expect(frameStats(at([FRAME_MS, FRAME_MS, FRAME_MS]), 1).blankPct).toBe(25);
  });

  it('is all zeros without frames', () => {
    expect(frameStats([])).toEqual({ frames: 0, p50: 0, p95: 0, droppedPct: 0, blankPct: 0 });
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 0.5)).toBe(5);
    expect(percentile(v, 0.95)).toBe(10);
    expect(percentile(v, 0)).toBe(1);
  });
});
