// End-to-end journeys of issue 13, the query tools, against the real app
// (wails dev), a real PostgreSQL and a real keyring, with one app start:
// Explain Analyze and the plan tree with its findings, comparing two
// plans, formatting a script, sorting and filtering a 1M-row result in the
// backend, hiding and moving its columns (copy and export follow), safe
// mode asking before a DELETE without WHERE and blocking one, and manual
// commit. Every wait is on a condition, with the harness's timeout
// (TUSK_E2E_TIMEOUT).
// Screenshots go to test-results/e2e (querytools-*.png).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir, startApp, startPostgres } from './harness.mjs';

let app;
let pg;
/** Saved connections: Shop (plain), Orders PROD (marker, safe mode confirm), Vault (safe mode block), Ledger (manual commit); all reach the same database. */
const conns = {};

before(async () => {
  pg = startPostgres();
  app = await startApp();
  const { page, url } = app;
  await page.goto(url);
  await page.getByTestId('no-connections').waitFor();
  const c = pg.cluster;
  const save = (name, options) =>
    page.evaluate(
      ({ c, name, options }) =>
        window.go.main.App.SaveConnection({
          config: { name, host: c.host, port: c.port, database: c.database, user: c.scramUser, sslMode: 'require', options: { connectTimeoutMs: 10000, ...options } },
          password: c.scramPassword,
          remember: true,
        }),
      { c, name, options },
    );
  conns.shop = await save('Shop', {});
  conns.prod = await save('Orders PROD', { safeMode: 'confirm', marker: { name: 'PROD', color: '#c62828' } });
  conns.vault = await save('Vault', { safeMode: 'block' });
  conns.ledger = await save('Ledger', { manualCommit: true });
  await page.reload();
  await row(page, 'Ledger').waitFor();
  await page.evaluate(() => {
    window.__queriesEnded = 0;
    window.runtime.EventsOn('query:done', () => window.__queriesEnded++);
    window.runtime.EventsOn('query:error', () => window.__queriesEnded++);
  });
  await newTab(page, 'Shop');
});

after(async () => {
  await app?.stop();
  pg?.stop();
});

const shot = (page, name) => page.screenshot({ path: join(resultsDir, `${name}.png`) });
const row = (page, name) => page.locator('[data-testid="connection-item"]', { hasText: name });
const cell = (page, r, c) => page.locator(`[data-testid="grid-row"][data-row="${r}"] [data-testid="grid-cell"][data-col="${c}"]`);
const idle = (page) => page.waitForFunction(() => !document.querySelector('[data-testid="status-timer"]'));

/** newTab opens an editor tab on a connection from its context menu. */
async function newTab(page, name) {
  const before = await page.getByTestId('editor-tab').count();
  await row(page, name).locator('button.name').click({ button: 'right' });
  await page.getByTestId('context-menu').waitFor();
  await page.getByTestId('menu-new-tab').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="editor-tab"]').length === n + 1, before);
}

async function typeSQL(page, sql) {
  const editor = page.locator('[data-testid="editor"] .cm-content');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
}

/** runAndWait presses key and waits until a query ended (query:done or query:error, counted since the page loaded). */
async function runAndWait(page, key = 'Control+Enter') {
  const ended = await page.evaluate(() => window.__queriesEnded);
  await page.keyboard.press(key);
  await page.waitForFunction((n) => window.__queriesEnded > n, ended);
  await idle(page);
}

async function command(page, label) {
  await page.keyboard.press('Control+Shift+P');
  await page.getByTestId('palette-input').fill(label);
  await page.locator('[data-testid="palette-item"]', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** probe runs sql in a session of its own on the Shop connection and returns the first row. */
const probe = (page, sql) =>
  page.evaluate(
    ({ connectionId, sql }) =>
      new Promise((resolve, reject) => {
        const App = window.go.main.App;
        const queryId = crypto.randomUUID();
        const done = (s) => {
          if (s.queryId !== queryId) return;
          off();
          offErr();
          if (s.status !== 'done') return reject(new Error(JSON.stringify(s.error ?? s.statements?.[0]?.error)));
          App.ResultPage({ queryId, statement: 0, offset: 0, limit: 1 }).then((p) => resolve(p.rows[0]), reject);
        };
        const off = window.runtime.EventsOn('query:done', done);
        const offErr = window.runtime.EventsOn('query:error', done);
        App.Execute({ queryId, sessionId: 'e2e-probe', connectionId, sql }).catch(reject);
      }),
    { connectionId: conns.shop.id, sql },
  );

/** explainAndWait runs Explain Analyze (Ctrl+Shift+E) of the statement in the editor and waits for a plan tree with a node matching node. */
async function explainAndWait(page, node) {
  await runAndWait(page, 'Control+Shift+E');
  await page.getByTestId('plan-view').waitFor();
  await page.locator('[data-testid="plan-node"]', { hasText: node }).first().waitFor();
}

test('Explain Analyze shows the plan tree with its findings and text; two plans compare', async () => {
  const { page } = app;
  await typeSQL(page, 'create table orders as select g as id, g % 2000 as customer_id, md5(g::text) as note from generate_series(1, 100000) g;\nanalyze orders;');
  await runAndWait(page, 'Control+Shift+Enter');
  await typeSQL(page, 'select id, note from orders where customer_id = 42 order by id;');
  await explainAndWait(page, 'Seq Scan');
  assert.equal(await page.getByTestId('plan-tab').getAttribute('aria-selected'), 'true');
  // The plan's raw JSON is not a result tab of its own beside the plan.
  assert.equal(await page.getByTestId('result-tab').count(), 0);
  assert.match(await page.getByTestId('plan-figures').textContent(), /Execution/);
  assert.match(await page.getByTestId('plan-rolled-back').textContent(), /BEGIN … ROLLBACK/);

  // A sequential scan that keeps 50 of 100,000 rows is a finding; opening it selects its node.
  const finding = page.locator('[data-testid="plan-finding"]', { hasText: /Seq Scan|sequential/i }).first();
  await finding.waitFor();
  const node = await finding.getAttribute('data-node');
  await page.locator('[data-testid="plan-node"][data-node="0"]').click();
  await finding.click();
  await page.locator(`[data-testid="plan-node"][data-node="${node}"][aria-selected="true"]`).waitFor();
  assert.match(await page.getByTestId('plan-details').textContent(), /Seq Scan on orders/);
  await shot(page, 'querytools-plan');

  await page.getByTestId('plan-mode-text').click();
  await page.getByTestId('plan-text').filter({ hasText: 'Seq Scan on orders' }).waitFor();
  assert.match(await page.getByTestId('plan-text').textContent(), /Execution Time/);
  await page.getByTestId('plan-mode-tree').click();

  // Export as JSON: the save dialog is native, so the request gets a path as the dialog would give.
  const path = join(app.dataDir, 'plan.json');
  await page.evaluate((path) => {
    const App = window.go.main.App;
    const real = App.ExportPlan;
    App.ExportPlan = (req) => real({ ...req, path });
  }, path);
  await page.getByTestId('plan-export-json').click();
  await page.locator('[data-pane="results"] [data-testid="notice"]', { hasText: path }).waitFor();
  assert.equal(JSON.parse(readFileSync(path, 'utf8'))[0].Plan['Node Type'], 'Sort');

  // After an index, the same query's plan; Compare Plans… picks the two newest.
  await typeSQL(page, 'create index orders_customer on orders (customer_id);');
  await runAndWait(page);
  await typeSQL(page, 'select id, note from orders where customer_id = 42 order by id;');
  await explainAndWait(page, /Bitmap Heap Scan|Index Scan/);
  await command(page, 'Compare Plans');
  await page.getByTestId('compare-picker').waitFor();
  await page.getByTestId('compare-run').click();
  await page.getByTestId('plan-compare-view').waitFor();
  assert.equal(await page.getByTestId('compare-tab').getAttribute('aria-selected'), 'true');
  // The scan of orders is matched across methods.
  const scan = page.locator('[data-testid="compare-row"]', { hasText: 'Seq Scan on orders' }).first();
  await scan.waitFor();
  assert.match(await scan.textContent(), /(Bitmap Heap|Index) Scan/);
  await shot(page, 'querytools-compare');
});

test('Shift+Alt+F formats the script in the editor', async () => {
  const { page } = app;
  await typeSQL(page, "select a, b from t where x = 1; -- keep me\nselect $$it's$$ as d;");
  await page.keyboard.press('Shift+Alt+F');
  const editor = page.locator('[data-testid="editor"] .cm-content');
  await page.waitForFunction(() => document.querySelector('[data-testid="editor"] .cm-content')?.innerText.startsWith('SELECT\n'));
  const text = await editor.innerText();
  assert.match(text, /^SELECT\n {2}a,\n {2}b\nFROM\n {2}t\nWHERE\n {2}x = 1;/);
  assert.match(text, /-- keep me/);
  assert.match(text, /\$\$it's\$\$ AS d;/);
});

const gridText = (page, r, c) => page.evaluate(({ r, c }) => document.querySelector(`[data-testid="grid-row"][data-row="${r}"] [data-col="${c}"]`)?.textContent, { r, c });
const headerNames = (page) => page.$$eval('[data-testid="grid-header-cell"] .name', (els) => els.map((e) => e.textContent));

test('a 1M-row result sorts by a header click and quick-filters in the backend; hidden and moved columns are what copy and export write', async () => {
  const { page } = app;
  await typeSQL(page, "select g as n, (g::bigint * 7919) % 1000 as k, 'r' || g as t from generate_series(1, 1000000) g;");
  await runAndWait(page);
  await page.getByTestId('result-filter').waitFor();
  await page.getByTestId('grid-count').filter({ hasText: '1,000,000 rows' }).waitFor();
  assert.equal(await cell(page, 0, 0).textContent(), '1');
  const headerK = page.locator('[data-testid="grid-header-cell"][data-col="1"]');

  await headerK.click();
  await headerK.locator('[data-testid="sort-indicator"][data-dir="asc"]').waitFor();
  // k = 0 first; equal keys keep the server's order (n = 1000 before 2000).
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-row"][data-row="0"] [data-col="1"]')?.textContent === '0');
  assert.equal(await cell(page, 0, 0).textContent(), '1000');
  assert.equal(await cell(page, 1, 0).textContent(), '2000');

  await headerK.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-row"][data-row="0"] [data-col="1"]')?.textContent === '999');

  // The quick filter keeps the rows with a cell containing the text.
  await page.getByTestId('result-quick-filter').fill('999999');
  await page.getByTestId('result-view-count').filter({ hasText: '1 of 1,000,000 rows' }).waitFor();
  assert.equal(await cell(page, 0, 0).textContent(), '999999');
  await shot(page, 'querytools-sorted');
  await page.getByTestId('result-clear-view').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-row"][data-row="0"] [data-col="0"]')?.textContent === '1');
  assert.equal(await page.locator('[data-testid="sort-indicator"]').count(), 0);

  // Hide k from the Columns popover, then drag t's header before n's.
  await page.getByTestId('columns-button').click();
  await page.locator('[data-testid="columns-toggle"][data-col="1"]').uncheck();
  await page.getByTestId('columns-hidden').filter({ hasText: '1 hidden' }).waitFor();
  await page.getByTestId('columns-button').click();
  await page.getByTestId('columns-menu').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="grid-header-cell"]').length === 2);
  const from = await page.locator('[data-testid="grid-header-cell"][data-col="1"]').boundingBox();
  const to = await page.locator('[data-testid="grid-header-cell"][data-col="0"]').boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + 20, to.y + to.height / 2, { steps: 8 });
  await page.getByTestId('column-drop').waitFor();
  await page.mouse.move(to.x + 4, to.y + to.height / 2, { steps: 2 });
  await page.mouse.up();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="grid-header-cell"] .name')].map((e) => e.textContent).join() === 't,n');
  assert.equal(await page.getByTestId('column-drop').count(), 0);
  assert.equal(await page.locator('[data-testid="sort-indicator"]').count(), 0, 'a drag does not sort');
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-row"][data-row="1"] [data-col="0"]')?.textContent === 'r2');
  assert.equal(await gridText(page, 1, 1), '2');
  await shot(page, 'querytools-columns');

  // Copy with the header row (Ctrl+Shift+C): the columns shown, in their order.
  await page.evaluate(() => {
    window.__copied = [];
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (t) => void window.__copied.push(t) }, configurable: true });
  });
  await cell(page, 0, 0).click();
  await cell(page, 1, 1).click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+Shift+C');
  await page.waitForFunction(() => window.__copied.length > 0);
  assert.equal(await page.evaluate(() => window.__copied.at(-1)), 't\tn\nr1\t1\nr2\t2');

  // Alt+Shift+Left moves the active cell's column (n) first; Alt+Shift+Right moves it back.
  await page.keyboard.press('Alt+Shift+ArrowLeft');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="grid-header-cell"] .name')].map((e) => e.textContent).join() === 'n,t');
  await page.keyboard.press('Alt+Shift+ArrowRight');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="grid-header-cell"] .name')].map((e) => e.textContent).join() === 't,n');

  // Sorting by n (shown second now) sorts by the result's n; the export writes the rows and columns shown.
  const headerN = page.locator('[data-testid="grid-header-cell"][data-col="1"]');
  await headerN.click();
  await headerN.click();
  await headerN.locator('[data-testid="sort-indicator"][data-dir="desc"]').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-row"][data-row="0"] [data-col="0"]')?.textContent === 'r1000000');
  await page.getByTestId('result-quick-filter').fill('99999');
  await page.getByTestId('result-view-count').filter({ hasText: /^\d+ of 1,000,000 rows/ }).waitFor();
  const path = join(app.dataDir, 'columns.csv');
  await page.evaluate((path) => {
    const App = window.go.main.App;
    const real = App.ExportResultToFile;
    App.ExportResultToFile = (req) => real({ ...req, path });
  }, path);
  await page.getByTestId('export-csv').click();
  await page.locator('[data-pane="results"] [data-testid="notice"]', { hasText: path }).waitFor();
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  assert.equal(lines[0], 't,n');
  assert.equal(lines[1], 'r999999,999999');
  assert.ok(lines.slice(1).every((l) => /^r\d+,\d+$/.test(l) && l.includes('99999')), 'every row exported has the filter text, and only t and n');
  assert.equal(lines.length, 1 + Number((await page.getByTestId('result-view-count').textContent()).split(' ')[0].replace(/,/g, '')));
  assert.deepEqual(await headerNames(page), ['t', 'n']);
  await page.getByTestId('result-clear-view').click();
});

test('safe mode asks before a DELETE without WHERE: Esc runs nothing, Run anyway runs it', async () => {
  const { page } = app;
  await newTab(page, 'Orders PROD');
  await page.getByTestId('marker-band').waitFor();
  assert.equal(await page.getByTestId('marker-name').textContent(), 'PROD');
  await typeSQL(page, 'create table victims as select g from generate_series(1, 10) g;');
  await runAndWait(page);

  // Typing marks the dangerous statement before anything runs.
  await typeSQL(page, 'select 1;\ndelete from victims;');
  await page.locator('[data-testid="danger-mark"]', { hasText: 'delete from victims' }).first().waitFor();
  assert.match(await page.locator('[data-testid="danger-mark"]').first().getAttribute('title'), /DELETE without WHERE/);
  await page.keyboard.press('Control+Shift+Enter');
  await page.getByTestId('danger-confirm').waitFor();
  assert.equal(await page.getByTestId('danger-item').count(), 1);
  assert.match(await page.getByTestId('danger-item').textContent(), /DELETE without WHERE/);
  assert.match(await page.locator('[data-testid="danger-mark"]').first().textContent(), /^delete from victims/);
  await shot(page, 'querytools-safe-mode-confirm');
  await page.keyboard.press('Escape');
  await page.getByTestId('danger-confirm').waitFor({ state: 'detached' });
  assert.deepEqual(await probe(page, 'select count(*) from victims'), ['10']);
  await page.locator('[data-testid="danger-mark"]').first().waitFor(); // still marked

  await page.keyboard.press('Control+Shift+Enter');
  const ended = await page.evaluate(() => window.__queriesEnded);
  await page.getByTestId('danger-run').click();
  await page.getByTestId('danger-confirm').waitFor({ state: 'detached' });
  await page.waitForFunction((n) => window.__queriesEnded > n, ended);
  await idle(page);
  assert.deepEqual(await probe(page, 'select count(*) from victims'), ['0']);
});

test('safe mode block refuses a DELETE without WHERE and runs nothing; the same DELETE with a WHERE runs', async () => {
  const { page } = app;
  await newTab(page, 'Vault');
  await typeSQL(page, 'create table vault as select g from generate_series(1, 5) g;');
  await runAndWait(page);

  await typeSQL(page, 'select 1;\n-- delete from vault; (a comment is not a statement)\ndelete from vault;');
  await page.keyboard.press('Control+Shift+Enter');
  const banner = page.locator('[data-testid="error"]', { hasText: 'Blocked by safe mode' });
  await banner.waitFor();
  assert.match(await banner.textContent(), /statement 2: DELETE without WHERE[^]*nothing ran/);
  assert.equal(await page.getByTestId('danger-confirm').count(), 0, 'block does not offer to run anyway');
  assert.match(await page.locator('[data-testid="danger-mark"]').first().textContent(), /^delete from vault/);
  assert.equal(await page.locator('[data-testid="danger-mark"]').count(), 1, 'the commented-out DELETE is not marked');
  await shot(page, 'querytools-safe-mode-block');
  assert.deepEqual(await probe(page, 'select count(*) from vault'), ['5']);

  await typeSQL(page, 'delete from vault where g > 3;');
  await runAndWait(page);
  assert.deepEqual(await probe(page, 'select count(*) from vault'), ['3']);
});

test('manual commit: the tab holds its transaction until Commit; closing it asks first', async () => {
  const { page } = app;
  await newTab(page, 'Ledger');
  await typeSQL(page, 'create table ledger (n int);');
  await runAndWait(page);
  await page.getByTestId('status-transaction').filter({ hasText: 'Transaction open' }).waitFor();
  await page.getByTestId('commit').click();
  await page.getByTestId('status-transaction').filter({ hasText: 'No open transaction' }).waitFor();

  await typeSQL(page, 'insert into ledger values (1);');
  await runAndWait(page);
  await page.getByTestId('status-transaction').filter({ hasText: 'Transaction open' }).waitFor();
  assert.deepEqual(await probe(page, 'select count(*) from ledger'), ['0'], 'another session sees the uncommitted row');
  await shot(page, 'querytools-manual-commit');
  await page.getByTestId('commit').click();
  await page.getByTestId('status-transaction').filter({ hasText: 'No open transaction' }).waitFor();
  assert.deepEqual(await probe(page, 'select count(*) from ledger'), ['1']);

  // Closing the tab with an open transaction asks; Roll back, then the unsaved text is asked about too.
  await typeSQL(page, 'insert into ledger values (2);');
  await runAndWait(page);
  await page.getByTestId('status-transaction').filter({ hasText: 'Transaction open' }).waitFor();
  const tabs = await page.getByTestId('editor-tab').count();
  await page.keyboard.press('Control+w');
  await page.getByTestId('transaction-dialog').waitFor();
  await page.getByTestId('transaction-rollback').click();
  await page.getByTestId('close-dialog').waitFor();
  await page.getByTestId('close-discard').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="editor-tab"]').length === n - 1, tabs);
  assert.deepEqual(await probe(page, 'select count(*) from ledger'), ['1']);
});
