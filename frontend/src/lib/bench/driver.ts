// The `make bench-ui` driver (backend/internal/benchui): it plays a scenario
// in the real app the way a user would, through the same DOM controls and
// shortcuts (clicks, Ctrl+Enter in the editor, Ctrl+W), and reports what it
// measures with api.reportTiming. It calls api.benchMark at the points where
// the harness outside the app samples memory, and waits there long enough
// for it. Loaded only when the Go side names a scenario (main.ts), so it
// costs a normal start nothing.
//
// It relies on the data-testid hooks the e2e tests use: new-tab, editor,
// editor-tab, connection-item, connect-toggle, pool-status, grid,
// grid-count, close-dialog / close-discard, palette, new-connection,
// connection-dialog, and on the query:done / query:error events. A missing
// hook fails the run with its name.
import { EditorView } from '@codemirror/view';
import { api, on } from '../api';
import { afterPaint, startup } from '../startup.svelte';
import { frameStats, type FrameStats } from './frames';

/** Scenario is written by the harness (backend/internal/benchui, scenario.go); keep the two in step. */
export interface Scenario {
  connectionId: string;
  /** Quiet time after "interactive" before the idle sample, ms. */
  settleMs: number;
  /** Time to hold still after a memory mark, ms. */
  sampleMs: number;
  /** Time to wait after closing the big result (the harness samples every second), ms. */
  afterCloseMs: number;
  /** A query whose first page (200 rows) is timed `runs` times. */
  firstRows: { sql: string; runs: number };
  /** The big result (1M rows), scrolled and then closed. */
  million: { sql: string; rows: number };
  /** The wide result (1,600 columns), scrolled sideways. */
  wide: { sql: string; columns: number };
  /** Frames per scroll gesture and its speeds. */
  scroll: { frames: number; wheelPx: number; dragShare: number; widePx: number };
  /** Longest wait for any one step, ms. */
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const frame = () => new Promise<number>((r) => requestAnimationFrame(r));

/** run plays the scenario; a failure is reported as the mark "failed: …" (the harness stops on it). */
export async function run(json: string): Promise<void> {
  try {
    await play(JSON.parse(json) as Scenario);
    await api.benchMark('done');
  } catch (err) {
    await api.benchMark(`failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function play(s: Scenario): Promise<void> {
  const wait = (what: string, fn: () => boolean) => waitFor(what, fn, s.timeoutMs);
  await startup.interactive;
  await sleep(s.settleMs);
  await mark('idle', s.sampleMs);

  // The first opening of the overlays a user reaches first (lazily loaded).
  api.reportTiming('open_palette', await opening('palette', () => key(document.activeElement ?? document.body, 'k', { ctrlKey: true }), wait));
  api.reportTiming('open_connection_dialog', await opening('connection-dialog', () => one<HTMLButtonElement>('[data-testid="new-connection"]').click(), wait));

  await connect(s.connectionId, wait);
  await newTab(wait);
  for (let i = 0; i < s.firstRows.runs; i++) await runQuery(s.firstRows.sql, s.timeoutMs);
  // The app as the big result finds it: connected, a query tab, the overlays opened once.
  await mark('before-result', s.sampleMs);

  api.reportTiming('big_run_to_done', await runQuery(s.million.sql, s.timeoutMs));
  await wait(`grid-count shows ${s.million.rows} rows`, () => gridDone(s.million.rows));
  const scroller = gridScroller();
  const range = scroller.scrollHeight - scroller.clientHeight;
  report('scroll_1m_wheel', await gesture(scroller, s.scroll.frames, (el) => (el.scrollTop += s.scroll.wheelPx)));
  report(
    'scroll_1m_drag',
    await gesture(scroller, s.scroll.frames, (el, i) => (el.scrollTop = (range * ((i * s.scroll.dragShare) % 1)))),
  );
  await mark('result-open', s.sampleMs);
  await closeTab(wait);
  await mark('closed', s.afterCloseMs);

  await newTab(wait);
  await runQuery(s.wide.sql, s.timeoutMs);
  await wait('the wide result finished', () => gridDone());
  const wide = gridScroller();
  report('scroll_wide_h', await gesture(wide, s.scroll.frames, (el) => (el.scrollLeft += s.scroll.widePx)));
  report('scroll_wide_v', await gesture(wide, s.scroll.frames, (el) => (el.scrollTop += s.scroll.wheelPx)));
  await closeTab(wait);
}

async function mark(name: string, holdMs: number): Promise<void> {
  await api.benchMark(name);
  await sleep(holdMs);
}

function report(name: string, f: FrameStats): void {
  api.reportTiming(`${name}_p50`, f.p50);
  api.reportTiming(`${name}_p95`, f.p95);
  api.reportTiming(`${name}_dropped_pct`, f.droppedPct);
  api.reportTiming(`${name}_blank_pct`, f.blankPct);
  api.reportTiming(`${name}_frames`, f.frames);
}

async function waitFor(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!fn()) {
    if (performance.now() > deadline) throw new Error(`${what}: not seen after ${timeoutMs} ms`);
    await sleep(10);
  }
}

function one<T extends Element>(selector: string): T {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`no element matches ${selector}`);
  return el;
}

type Wait = (what: string, fn: () => boolean) => Promise<void>;

async function connect(id: string, wait: Wait): Promise<void> {
  const connected = () => document.querySelector(`[data-testid="pool-status"][data-connection-id="${id}"]`) !== null;
  if (connected()) return;
  one<HTMLButtonElement>(`[data-testid="connection-item"][data-connection-id="${id}"] [data-testid="connect-toggle"]`).click();
  await wait('pool-status of the bench connection', connected);
}

const tabCount = () => document.querySelectorAll('[data-testid="editor-tab"]').length;

async function newTab(wait: Wait): Promise<void> {
  const before = tabCount();
  one<HTMLButtonElement>('[data-testid="new-tab"]').click();
  await wait('a new editor tab', () => tabCount() === before + 1);
  await frame();
}

/** Closes the active tab with Ctrl+W, answering "Don't save" when the app asks about its text. */
async function closeTab(wait: Wait): Promise<void> {
  const before = tabCount();
  key(document.activeElement ?? document.body, 'w', { ctrlKey: true });
  await wait('the tab closed (Ctrl+W)', () => {
    document.querySelector<HTMLButtonElement>('[data-testid="close-dialog"] [data-testid="close-discard"]')?.click();
    return tabCount() === before - 1;
  });
}

/** opening does what opens the overlay with data-testid `id`, and returns that → the frame that shows it, ms; then closes it with Esc. */
async function opening(id: string, open: () => void, wait: Wait): Promise<number> {
  const shown = () => document.querySelector(`[data-testid="${id}"]`) !== null;
  const t0 = performance.now();
  open();
  await wait(`${id} opened`, shown);
  const ms = (await afterPaint()) - t0;
  key(document.activeElement ?? document.body, 'Escape');
  await wait(`${id} closed (Esc)`, () => !shown());
  return ms;
}

function key(target: EventTarget, k: string, mods: KeyboardEventInit = {}): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...mods }));
}

/** True when the grid's count is final (no trailing …) and, when given, equals rows. */
function gridDone(rows?: number): boolean {
  const text = document.querySelector('[data-testid="grid-count"]')?.textContent?.trim() ?? '';
  if (!text || text.endsWith('…')) return false;
  return rows === undefined || Number(text.replace(/[^0-9]/g, '')) === rows;
}

/**
 * Puts sql into the active editor and presses Ctrl+Enter there, then waits
 * for the query to end (its query:done or query:error event) and the next
 * frame, and returns key press → that frame, ms. The app itself reports
 * run → first rows (Workspace).
 */
async function runQuery(sql: string, timeoutMs: number): Promise<number> {
  const view = EditorView.findFromDOM(one('[data-testid="editor"] .cm-editor'));
  if (!view) throw new Error('the editor has no CodeMirror view');
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: sql }, selection: { anchor: sql.length } });
  view.focus();
  let offs: (() => void)[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${sql}: no query:done after ${timeoutMs} ms`)), timeoutMs);
    const end = () => {
      clearTimeout(timer);
      resolve();
    };
    offs = [on('query:done', end), on('query:error', end)];
  });
  const t0 = performance.now();
  try {
    key(view.contentDOM, 'Enter', { ctrlKey: true });
    await ended;
  } finally {
    offs.forEach((off) => off());
  }
  return (await afterPaint()) - t0;
}

function gridScroller(): HTMLElement {
  const grid = one('[data-testid="grid"]');
  const el = [grid, ...grid.querySelectorAll<HTMLElement>('*')].find(
    (e) => e.scrollHeight > e.clientHeight + 10 || e.scrollWidth > e.clientWidth + 10,
  ) as HTMLElement | undefined;
  if (!el) throw new Error('the grid has no scrolling element');
  return el;
}

/** A gesture stops after this long even if its frames are not done (a slow grid would take minutes). */
const GESTURE_MAX_MS = 10_000;

/**
 * gesture moves the scroller once per frame for `frames` frames (a wheel or
 * scrollbar drag as fast as the display refreshes), at most GESTURE_MAX_MS,
 * and returns the frame intervals, plus how many frames showed rows still
 * loading.
 */
async function gesture(el: HTMLElement, frames: number, step: (el: HTMLElement, i: number) => void): Promise<FrameStats> {
  const grid = one('[data-testid="grid"]');
  const times: number[] = [];
  let blank = 0;
  const start = await frame();
  for (let i = 0; i < frames && performance.now() - start < GESTURE_MAX_MS; i++) {
    step(el, i + 1);
    times.push(await frame());
    if (grid.querySelector('.loading')) blank++;
  }
  await sleep(200);
  return frameStats(times, blank);
}
