// Frame times while the grid scrolls, measured in the app itself so the real
// WebKitGTK window reports them (through the grid's ontiming callback, which
// the app sends to its log).

/** One display refresh at 60 Hz, ms. */
export const FRAME_MS = 1000 / 60;

export interface FrameStats {
  /** Frames measured (intervals between animation frames). */
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Share of the display refreshes that showed no new frame, percent. */
  droppedPct: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Statistics of frame intervals (ms between consecutive
 * requestAnimationFrame callbacks). An interval of about k refreshes means
 * k-1 refreshes were dropped.
 */
export function frameStats(intervals: readonly number[], refreshMs = FRAME_MS): FrameStats {
  const sorted = [...intervals].sort((a, b) => a - b);
  let dropped = 0;
  for (const d of intervals) dropped += Math.max(0, Math.round(d / refreshMs) - 1);
  const refreshes = intervals.length + dropped;
  return {
    frames: intervals.length,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted.at(-1) ?? 0,
    droppedPct: refreshes ? (100 * dropped) / refreshes : 0,
  };
}

export type ScrollAxis = 'v' | 'h';

export interface ScrollMeterOptions {
  /** A gesture ends after this long without a scroll event, ms. */
  idleMs?: number;
  /** Shorter gestures are not reported. */
  minFrames?: number;
  raf?: (cb: () => void) => number;
  cancelRaf?: (id: number) => void;
  /** The clock of both the scroll events and the frames (performance.now). */
  now?: () => number;
}

/**
 * ScrollMeter records animation-frame intervals from the first scroll event
 * of a gesture until the scrolling has stopped for idleMs, then reports them
 * per axis (the axis that moved most).
 */
export class ScrollMeter {
  readonly #report: (axis: ScrollAxis, stats: FrameStats) => void;
  readonly #idleMs: number;
  readonly #minFrames: number;
  readonly #raf: (cb: () => void) => number;
  readonly #cancel: (id: number) => void;
  readonly #now: () => number;
  /** requestAnimationFrame timestamps of the gesture. */
  #times: number[] = [];
  #lastScroll = 0;
  #moved = { v: 0, h: 0 };
  /** Frames since the last scroll event: a single long frame does not end a gesture. */
  #quietFrames = 0;
  #id = 0;
  #running = false;

  constructor(report: (axis: ScrollAxis, stats: FrameStats) => void, opts: ScrollMeterOptions = {}) {
    this.#report = report;
    this.#idleMs = opts.idleMs ?? 300;
    this.#minFrames = opts.minFrames ?? 5;
    this.#raf = opts.raf ?? ((cb) => requestAnimationFrame(cb));
    this.#cancel = opts.cancelRaf ?? ((id) => cancelAnimationFrame(id));
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Called on every scroll event with how far each axis moved, px. */
  scrolled(dy: number, dx: number): void {
    this.#moved.v += Math.abs(dy);
    this.#moved.h += Math.abs(dx);
    this.#lastScroll = this.#now();
    this.#quietFrames = 0;
    if (this.#running) return;
    this.#running = true;
    this.#times = [];
    this.#id = this.#raf(this.#frame);
  }

  // Timed with the clock of the scroll events, not the callback's argument
  // (the same clock in browsers, not in every test environment).
  #frame = (): void => {
    const t = this.#now();
    this.#times.push(t);
    if (t - this.#lastScroll < this.#idleMs || ++this.#quietFrames < 3) {
      this.#id = this.#raf(this.#frame);
      return;
    }
    this.#running = false;
    // An interval holds the work of the frame it starts with: keep those that
    // start by the frame that handled the last scroll event, not the idle tail.
    const intervals: number[] = [];
    for (let i = 0; i + 1 < this.#times.length && this.#times[i]! <= this.#lastScroll + FRAME_MS / 2; i++) {
      intervals.push(this.#times[i + 1]! - this.#times[i]!);
    }
    const axis: ScrollAxis = this.#moved.h > this.#moved.v ? 'h' : 'v';
    this.#moved = { v: 0, h: 0 };
    if (intervals.length >= this.#minFrames) this.#report(axis, frameStats(intervals));
  };

  stop(): void {
    if (this.#running) this.#cancel(this.#id);
    this.#running = false;
  }
}
