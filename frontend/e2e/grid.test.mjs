// End-to-end for the results grid alone, in its own app: how fast the first
// rows of a run are painted, the frame times of scripted scrolls of a
// 1,000,000-row and a 1,600-column result (requestAnimationFrame intervals:
// p50, p95, dropped refreshes), keyboard navigation to the last cell, real
// type names (an enum), and the timings the app itself logs through
// api.reportTiming. It drives only what it needs: a connection saved through
// the bound API, the connect button, the editor and Ctrl+Enter. Figures are
// printed, never asserted (timings on a shared 2-core machine vary).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir, startApp, startPostgres } from './harness.mjs';

let app;
let pg;

before(async () => {
  pg = startPostgres();
  app = await startApp();
});

after(async () => {
  await app?.stop();
  pg?.stop();
});

const shot = (page, name) => page.screenshot({ path: join(resultsDir, `${name}.png`) });
const grid = (page) => page.getByTestId('grid');

/** Frame statistics as frontend/src/lib/results/frames.ts computes them. */
function frameStats(intervals) {
  const sorted = [...intervals].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  let dropped = 0;
  for (const d of intervals) dropped += Math.max(0, Math.round(d / (1000 / 60)) - 1);
  return { frames: intervals.length, p50: q(0.5), p95: q(0.95), max: sorted.at(-1) ?? 0, droppedPct: (100 * dropped) / (intervals.length + dropped) };
}

const fmt = (s) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms, dropped ${s.droppedPct.toFixed(1)} %, blank ${s.blankPct.toFixed(1)} % of ${s.frames} frames`;

async function typeSQL(page, sql) {
  const editor = page.locator('[data-testid="editor"] .cm-content');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
  // Close the completion popup typing may have opened (Ctrl+Enter would not run).
  await page.waitForTimeout(50);
  await page.keyboard.press('Escape');
}

async function runAndWait(page) {
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => !document.querySelector('[data-testid="status-timer"]'), null, { timeout: 60_000 });
}

/**
 * Runs the editor's statement and returns, inside the page, the time from
 * the Ctrl+Enter keydown to the frame after the first cell whose text is
 * `firstCell` appeared in the grid.
 */
async function runToFirstRows(page, firstCell) {
  await page.evaluate((want) => {
    window.__firstRows = new Promise((resolve) => {
      let t0 = 0;
      const onkey = (e) => {
        if (e.key !== 'Enter') return; // Control comes first
        t0 = performance.now();
        window.removeEventListener('keydown', onkey, true);
      };
      window.addEventListener('keydown', onkey, true);
      const seen = () => {
        const cell = document.querySelector('[data-testid="grid-row"][data-row="0"] [data-testid="grid-cell"]');
        // Not the last run's rows, which stay (marked stale) until the new ones arrive.
        return t0 && cell && !cell.closest('[data-stale]') && cell.textContent.trim() === want;
      };
      const obs = new MutationObserver(() => {
        if (!seen()) return;
        obs.disconnect();
        // The frame that shows the row: after its rendering steps.
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => resolve(performance.now() - t0);
          ch.port2.postMessage(0);
        });
      });
      obs.observe(document.body, { childList: true, subtree: true, characterData: true });
    });
  }, firstCell);
  await page.keyboard.press('Control+Enter');
  const ms = await page.evaluate(() =>
    Promise.race([
      window.__firstRows,
      new Promise((_, fail) => setTimeout(() => fail(new Error(`no first rows after 20 s; focus on ${document.activeElement?.className}`)), 20_000)),
    ]),
  );
  await page.waitForFunction(() => !document.querySelector('[data-testid="status-timer"]'), null, { timeout: 30_000 });
  return ms;
}

/**
 * A scripted scroll: `step` moves the grid's scroller once per animation
 * frame for `frames` frames; returns the frame intervals and how many frames
 * showed cells still loading.
 */
async function scrollFrames(page, frames, step) {
  const { intervals, blank } = await page.evaluate(
    async ({ frames, step }) => {
      const el = document.querySelector('[data-testid="grid"]');
      const move = new Function('el', 'i', 'range', step);
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const range = { v: el.scrollHeight - el.clientHeight, h: el.scrollWidth - el.clientWidth };
      const intervals = [];
      let blank = 0;
      let last = await frame();
      for (let i = 1; i <= frames; i++) {
        move(el, i, range);
        const t = await frame();
        intervals.push(t - last);
        last = t;
        if (el.querySelector('.cell.loading')) blank++;
      }
      await new Promise((r) => setTimeout(r, 400)); // let the grid's own meter report the gesture
      return { intervals, blank };
    },
    { frames, step },
  );
  return { ...frameStats(intervals), blankPct: (100 * blank) / frames };
}

/** Timings the app logged through api.reportTiming ("ui timing" lines of its log). */
function loggedTimings(dataDir) {
  const log = readFileSync(join(dataDir, 'logs', 'tusk.log'), 'utf8');
  const out = {};
  for (const m of log.matchAll(/ms=([\d.e+-]+) .*timing=(\w+)|timing=(\w+).* ms=([\d.e+-]+)/g)) {
    const name = m[2] ?? m[3];
    const ms = Number(m[1] ?? m[4]);
    (out[name] ??= []).push(ms);
  }
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

test('the grid: first rows, a million rows and 1,600 columns by scroll and keyboard', async (t) => {
  const { page, url, dataDir } = app;
  t.after(() => shot(page, 'grid-last-state').catch(() => {}));
  const { cluster } = pg;
  await page.goto(url);
  const saved = await page.evaluate(
    async (c) =>
      window.go.main.App.SaveConnection({
        config: { name: 'grid', host: c.host, port: c.port, database: c.database, user: c.trustUser, sslMode: 'disable', options: {} },
        password: '',
        remember: false,
      }),
    cluster,
  );
  await page.reload();
  await page.locator(`[data-testid="connection-item"][data-connection-id="${saved.id}"] [data-testid="connect-toggle"]`).click();
  await page.locator('[data-testid="editor"] .cm-content').waitFor({ timeout: 15_000 });

  // 1. Run → first rows painted, 200-row first pages (the page comes with query:progress).
  const firstRows = [];
  for (let k = 1; k <= 12; k++) {
    await typeSQL(page, `select ${k} as run, g, md5(g::text) as hash from generate_series(1, 200) g`);
    firstRows.push(await runToFirstRows(page, String(k)));
  }
  const warm = firstRows.slice(2); // the first runs warm up the page's code paths

  // 2. A real type name: an enum column shows the enum's name.
  await typeSQL(page, "create type grid_mood as enum ('ok', 'sad')");
  await runAndWait(page);
  await typeSQL(page, "select 'ok'::grid_mood as mood, 1.5::numeric as amount, null::text as nothing");
  await runAndWait(page);
  const headers = page.getByTestId('grid-header-cell');
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-header-cell"][data-col="0"]')?.textContent.includes('grid_mood'));
  assert.equal(await headers.nth(0).getAttribute('data-family'), 'enum');
  assert.equal(await headers.nth(0).getAttribute('title'), 'mood (grid_mood)');
  assert.match(await page.locator('[data-row="0"] [data-col="1"]').getAttribute('class'), /\bnum\b/);
  assert.equal(await page.locator('[data-row="0"] [data-col="2"]').getAttribute('data-null'), '');

  // 3. A million rows.
  await typeSQL(page, 'select g, md5(g::text) as hash, g * 2 as twice, now() as at from generate_series(1, 1000000) g');
  await runAndWait(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-count"]')?.textContent.trim() === '1,000,000 rows');
  const wheel1m = await scrollFrames(page, 180, 'el.scrollTop += 240');
  const drag1m = await scrollFrames(page, 120, 'el.scrollTop = range.v * ((i * 0.137) % 1)');
  await shot(page, 'grid-1m-scrolled-light');

  // Keyboard: focus the grid, Ctrl+Home, then Ctrl+End paints the last row.
  await grid(page).focus();
  await page.keyboard.press('Control+Home');
  await page.locator('[data-row="0"] [data-col="0"].active').waitFor();
  const k0 = await page.evaluate(() => performance.now());
  await page.keyboard.press('Control+End');
  const last = page.locator('[data-testid="grid-row"][data-row="999999"] [data-col="3"]');
  await last.and(page.locator('.active')).waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector('[data-row="999999"] [data-col="0"]')?.textContent.trim() === '1000000');
  const ctrlEndMs = (await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now()))))) - k0;
  assert.equal(await page.locator('[data-row="999999"] [role="rowheader"]').textContent().then((t) => t.trim()), '1,000,000');
  await shot(page, 'grid-1m-ctrl-end-light');
  // PageUp ×20 from the end, Shift+Home extends to the row start.
  const p0 = await page.evaluate(() => performance.now());
  for (let i = 0; i < 20; i++) await page.keyboard.press('PageUp');
  const pageUpMs = ((await page.evaluate(() => performance.now())) - p0) / 20;
  await page.keyboard.press('Shift+Home');
  assert.equal(await page.locator('.cell.sel').count() > 1, true);

  // 4. 1,600 columns of mixed types.
  const kinds = ['g', 'md5(g::text)', 'g % 3 = 0', "date '2026-01-01' + g", 'g * 1.25'];
  const cols = Array.from({ length: 1600 }, (_, c) => `${kinds[c % kinds.length]} as c${c + 1}`).join(', ');
  await typeSQL(page, `select ${cols} from generate_series(1, 2000) g`);
  await runAndWait(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-count"]')?.textContent.trim() === '2,000 rows');
  const rendered = await page.getByTestId('grid-header-cell').count();
  assert.ok(rendered < 80, `only the columns in view are rendered (${rendered})`);
  const wideH = await scrollFrames(page, 180, 'el.scrollLeft += 200');
  const wideV = await scrollFrames(page, 180, 'el.scrollTop += 240');
  await grid(page).focus();
  await page.keyboard.press('Control+End');
  await page.locator('[data-row="1999"] [data-col="1599"].active').waitFor();
  await page.keyboard.press('Home');
  await page.locator('[data-row="1999"] [data-col="0"].active').waitFor();
  assert.equal(await page.locator('[data-testid="grid-header-cell"][data-col="1599"]').count(), 0, 'columns out of view are dropped');
  await page.keyboard.press('End');
  await page.locator('[data-testid="grid-header-cell"][data-col="1599"]').waitFor();
  await shot(page, 'grid-1600-columns-light');
  await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
  await shot(page, 'grid-1600-columns-dark');

  // 5. What the app logged about itself.
  await page.waitForTimeout(500);
  const logged = loggedTimings(dataDir);
  assert.ok(logged.run_to_first_rows?.length >= 10, 'the app logs run_to_first_rows');
  assert.ok(logged.grid_scroll_v_p50?.length >= 1, 'the app logs vertical scroll frame times');
  assert.ok(logged.grid_scroll_h_p50?.length >= 1, 'the app logs horizontal scroll frame times');

  const figures = {
    runToFirstRowsMs: { runs: warm.length, p50: median(warm), max: Math.max(...warm) },
    appLoggedRunToFirstRowsMs: median(logged.run_to_first_rows),
    appLoggedFirstPageToFirstRowsMs: median(logged.first_page_to_first_rows ?? [0]),
    scroll1mWheel: wheel1m,
    scroll1mDrag: drag1m,
    scroll1600ColsH: wideH,
    scroll1600ColsV: wideV,
    ctrlEndTo1mLastRowMs: ctrlEndMs,
    pageUpMs,
    appLoggedScroll: Object.fromEntries(Object.entries(logged).filter(([k]) => k.startsWith('grid_scroll'))),
  };
  writeFileSync(join(resultsDir, 'grid-figures.json'), JSON.stringify(figures, null, 2));
  console.log(
    `# figures (Chromium, wails dev build): run → first rows painted p50 ${figures.runToFirstRowsMs.p50.toFixed(1)} ms (max ${figures.runToFirstRowsMs.max.toFixed(1)}, ${warm.length} runs of a 200-row first page; the app logged p50 ${figures.appLoggedRunToFirstRowsMs.toFixed(1)} ms, first page → painted ${figures.appLoggedFirstPageToFirstRowsMs.toFixed(1)} ms)`,
  );
  console.log(`# figures: 1M rows, wheel-like scroll (240 px/frame): ${fmt(wheel1m)}`);
  console.log(`# figures: 1M rows, scrollbar jumps across the whole range: ${fmt(drag1m)}`);
  console.log(`# figures: 1,600 columns, horizontal (200 px/frame): ${fmt(wideH)}`);
  console.log(`# figures: 1,600 columns, vertical (240 px/frame): ${fmt(wideV)}`);
  console.log(`# figures: Ctrl+End to the last of 1M rows painted ${ctrlEndMs.toFixed(1)} ms; PageUp ${pageUpMs.toFixed(1)} ms per key (incl. the driver)`);
});
