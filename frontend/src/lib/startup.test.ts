import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./api', () => ({ api: { reportStartup: vi.fn(), reportTiming: vi.fn() } }));

import { api } from './api';
import { afterPaint, Startup } from './startup.svelte';

const report = vi.mocked(api.reportStartup);

describe('Startup', () => {
  beforeEach(() => report.mockClear());

  it('reports a painted frame as a wall-clock time and keeps the figure Go returns', async () => {
    report.mockResolvedValue(212.3);
    const s = new Startup();
    const before = performance.timeOrigin + performance.now();
    await s.mark('first_paint');
    expect(report).toHaveBeenCalledTimes(1);
    const mark = report.mock.calls[0]?.[0];
    expect(mark?.name).toBe('first_paint');
    expect(mark?.epochMs).toBeGreaterThanOrEqual(before);
    expect(mark?.epochMs).toBeLessThanOrEqual(performance.timeOrigin + performance.now());
    expect(s.firstPaintMs).toBe(212.3);
    expect(s.interactiveMs).toBeNull();
  });

  it('reports each mark once', async () => {
    report.mockResolvedValue(300);
    const s = new Startup();
    await s.mark('interactive');
    await s.mark('interactive');
    expect(report).toHaveBeenCalledTimes(1);
    expect(s.interactiveMs).toBe(300);
  });

  it('settles `interactive` even when the report fails', async () => {
    // A plain function: vitest fails a test whose mock returned a rejection, even a handled one.
    api.reportStartup = () => Promise.reject(new Error('no backend'));
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const s = new Startup();
      await s.mark('interactive');
      await expect(s.interactive).resolves.toBeUndefined();
      expect(s.interactiveMs).toBeNull();
      expect(error).toHaveBeenCalledWith(expect.stringContaining('no backend'));
    } finally {
      api.reportStartup = report;
      error.mockRestore();
    }
  });
});

describe('afterPaint', () => {
  it('resolves after the next animation frame', async () => {
    let framed = false;
    requestAnimationFrame(() => (framed = true));
    const at = await afterPaint();
    expect(framed).toBe(true);
    expect(at).toBeLessThanOrEqual(performance.now());
  });
});
