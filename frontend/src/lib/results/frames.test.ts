import { describe, expect, it, vi } from 'vitest';
import { FRAME_MS, ScrollMeter, frameStats } from './frames';

describe('frameStats', () => {
  it('gives quantiles and the share of dropped refreshes', () => {
    const s = frameStats([16.7, 16.6, 16.7, 33.4, 16.7, 50.1, 16.6, 16.7, 16.7, 16.6]);
    expect(s.frames).toBe(10);
    expect(s.p50).toBeCloseTo(16.7, 5);
    expect(s.p95).toBeCloseTo(50.1, 5);
    expect(s.max).toBeCloseTo(50.1, 5);
    // 33.4 ms drops one refresh, 50.1 ms two: 3 of 13.
    expect(s.droppedPct).toBeCloseTo((100 * 3) / 13, 5);
    expect(frameStats([])).toEqual({ frames: 0, p50: 0, p95: 0, max: 0, droppedPct: 0 });
  });
});

describe('ScrollMeter', () => {
  /** A fake display: frames every `every` ms; scroll events on the frames listed. */
  function play(every: number[], scrollOn: Set<number>, idleMs = 100) {
    let now = 0;
    let queued: (() => void) | null = null;
    const report = vi.fn();
    const meter = new ScrollMeter(report, {
      idleMs,
      minFrames: 3,
      now: () => now,
      raf: (cb) => {
        queued = cb;
        return 1;
      },
      cancelRaf: () => (queued = null),
    });
    for (let f = 0; f < every.length; f++) {
      now += every[f]!;
      if (scrollOn.has(f)) meter.scrolled(10, 0);
      const cb = queued as (() => void) | null;
      queued = null;
      cb?.();
    }
    return report;
  }

  it('measures from the first scroll event to the last and reports once idle', () => {
    // Frames: 16.7 ms apart, one 50 ms frame inside the gesture; scrolls on frames 0..9.
    const every = Array.from({ length: 40 }, (_, f) => (f === 5 ? 50 : FRAME_MS));
    const report = play(every, new Set(Array.from({ length: 10 }, (_, f) => f)));
    expect(report).toHaveBeenCalledTimes(1);
    const [axis, s] = report.mock.calls[0]!;
    expect(axis).toBe('v');
    expect(s.frames).toBe(10); // up to the interval of the last scroll's frame, no idle tail
    expect(s.max).toBeCloseTo(50, 5);
    expect(s.droppedPct).toBeGreaterThan(0);
  });

  it('leaves out gestures too short to say anything', () => {
    expect(play(Array.from({ length: 20 }, () => FRAME_MS), new Set([0]))).not.toHaveBeenCalled();
  });

  it('names the axis that moved most', () => {
    let now = 0;
    const cbs: (() => void)[] = [];
    const report = vi.fn();
    const meter = new ScrollMeter(report, { idleMs: 50, minFrames: 1, now: () => now, raf: (cb) => cbs.push(cb) });
    for (let f = 0; f < 20; f++) {
      now += FRAME_MS;
      if (f < 5) meter.scrolled(1, 200);
      cbs.shift()?.();
    }
    expect(report.mock.calls[0]![0]).toBe('h');
  });
});
