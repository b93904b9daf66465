/** A display refresh at 60 Hz, ms. */
export const FRAME_MS = 1000 / 60;

export interface FrameStats {
  /** Intervals measured (frames − 1). */
  frames: number;
  /** Median and 95th percentile of the frame intervals, ms. */
  p50: number;
  p95: number;
  /** Share of 60 Hz display refreshes that got no new frame, %. */
  droppedPct: number;
  /** Share of frames that showed rows still loading, %. */
  blankPct: number;
}

/** Nearest-rank percentile of sorted values (q in 0..1). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/**
 * frameStats turns requestAnimationFrame timestamps into interval figures. An
 * interval of n refreshes (rounded) means n − 1 refreshes were dropped.
 */
export function frameStats(timestamps: readonly number[], blankFrames = 0): FrameStats {
  const intervals: number[] = [];
  for (let i = 1; i < timestamps.length; i++) intervals.push((timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0));
  const sorted = [...intervals].sort((a, b) => a - b);
  let slots = 0;
  for (const d of intervals) slots += Math.max(1, Math.round(d / FRAME_MS));
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    frames: intervals.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    droppedPct: slots ? round((100 * (slots - intervals.length)) / slots) : 0,
    blankPct: timestamps.length ? round((100 * blankFrames) / timestamps.length) : 0,
  };
}
