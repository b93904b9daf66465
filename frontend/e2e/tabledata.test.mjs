// End-to-end for the data tab, in its own app: open a table from the schema
// tree, filter it (a value that cannot be the column's type is refused next
// to its field), sort it by its headers, edit a cell, review the SQL, commit
// with Ctrl+S and see the value; then the conflict path: another connection
// changes the row first, the commit applies nothing and shows the row as it
// is on the server. Screenshots of the pending change and of the review go
// to test-results/e2e/. Then, in the same app: a TSV block pasted over cells
// and as new rows, reviewed and committed; and a connection set to commit
// table edits without review commits on Ctrl+S at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { commitEdits, resultsDir, startApp, startPostgres } from './harness.mjs';

let app;
let pg;

/** Runs SQL on the test cluster through psql (another session than the app's); returns its output. */
const psql = (sql) => pg.psql(sql);

before(async () => {
  pg = startPostgres();
  psql(`create table public.e2e_fruit (id int primary key, name text not null, qty int, note text);
        insert into public.e2e_fruit select g, 'fruit-' || g, g, case when g % 2 = 0 then 'even' end from generate_series(1, 30) g;
        create table public.e2e_paste (id int primary key, name text, qty int, note text, total int generated always as (qty * 2) stored);
        insert into public.e2e_paste (id, name, qty) select g, 'p-' || g, g from generate_series(1, 3) g;`);
  app = await startApp();
});

after(async () => {
  await app?.stop();
  pg?.stop();
});

const shot = (page, name) => page.screenshot({ path: join(resultsDir, `${name}.png`) });
const cell = (page, row, col) => page.locator(`[data-testid="grid-row"][data-row="${row}"] [data-testid="grid-cell"][data-col="${col}"]`);
const header = (page, name) => page.locator('[data-testid="grid-header-cell"]', { has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });

test('data tab: open, filter, sort, edit, review, commit, and a conflict', async (t) => {
  const { page, url } = app;
  t.after(() => shot(page, 'tabledata-last-state').catch(() => {}));
  const { cluster } = pg;
  const pageErrors = [];
  page.on('pageerror', (e) => {
    t.diagnostic(`page error: ${e.stack ?? e.message}`);
    // Wails' own IPC script fails in a plain browser page (no webview): not the app's.
    if (!/\/wails\/ipc\.js/.test(e.stack ?? '')) pageErrors.push(e.message);
  });
  page.on('console', (m) => m.type() === 'error' && t.diagnostic(`console: ${m.text()}`));
  await page.goto(url);
  const saved = await page.evaluate(
    async (c) =>
      window.go.main.App.SaveConnection({
        config: { name: 'data', host: c.host, port: c.port, database: c.database, user: c.trustUser, sslMode: 'disable', options: {} },
        password: '',
        remember: false,
      }),
    cluster,
  );
  await page.reload();
  await page.locator(`[data-testid="connection-item"][data-connection-id="${saved.id}"] [data-testid="connect-toggle"]`).click();

  // Open from the tree: expand public, double-click the table.
  await page.locator('[data-testid="schema-node"][data-schema="public"]').click();
  await page.locator('[data-testid="table-node"][data-table="e2e_fruit"]').dblclick();
  await page.getByTestId('data-tab').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="data-row-count"]')?.textContent?.trim() === '30 rows');
  assert.equal((await cell(page, 0, 1).textContent()).trim(), 'fruit-1');
  assert.equal(await page.locator('[data-testid="grid-row"][data-row="0"] [data-testid="grid-cell"][data-col="3"]').getAttribute('data-null'), '');

  t.diagnostic('step: filter');
  // Filter: qty ≥ "ten" is refused next to its field, before anything runs; qty ≥ 25 keeps 6 rows.
  await page.getByTestId('data-filter-toggle').click();
  await page.getByTestId('filter-add').click();
  await page.getByTestId('filter-column').selectOption('qty');
  await page.getByTestId('filter-op').selectOption('ge');
  await page.getByTestId('filter-value').fill('ten');
  await page.getByTestId('filter-apply').click();
  assert.match(await page.getByTestId('filter-error').textContent(), /whole number/);
  await page.getByTestId('filter-value').fill('25');
  await page.getByTestId('filter-apply').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="data-row-count"]')?.textContent?.trim() === '6 rows');
  assert.equal((await cell(page, 0, 1).textContent()).trim(), 'fruit-25');

  t.diagnostic('step: sort');
  // Sort: qty descending (two clicks), on the server.
  await header(page, 'qty').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-header-cell"][data-col="2"]')?.getAttribute('aria-sort') === 'ascending');
  await header(page, 'qty').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-header-cell"][data-col="2"]')?.getAttribute('aria-sort') === 'descending');
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-row"][data-row="0"] [data-testid="grid-cell"][data-col="1"]')?.textContent?.trim() === 'fruit-30');

  t.diagnostic('step: edit');
  // Edit the name of the first row (id 30): pending, marked and counted.
  await cell(page, 0, 1).dblclick();
  await page.getByTestId('cell-editor').waitFor();
  await page.getByTestId('cell-input').fill('kiwi');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('cell-editor').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('data-pending').textContent(), '1 changed');
  assert.equal(await cell(page, 0, 1).getAttribute('data-mark'), 'changed');
  assert.equal((await cell(page, 0, 1).textContent()).trim(), 'kiwi');
  await shot(page, 'tabledata-pending');

  t.diagnostic('step: review');
  // Review: the exact transaction.
  await page.getByTestId('data-review').click();
  const sql = await page.getByTestId('review-sql').textContent();
  assert.match(sql, /^BEGIN;/m);
  assert.match(sql, /UPDATE public\.e2e_fruit SET name = 'kiwi' WHERE id = 30 AND name IS NOT DISTINCT FROM 'fruit-30'/);
  assert.match(sql, /^COMMIT;/m);
  await shot(page, 'tabledata-review');
  await page.keyboard.press('Escape');
  await page.getByTestId('review-dialog').waitFor({ state: 'detached' });

  t.diagnostic('step: commit');
  // Commit with Ctrl+S: the review first, then one transaction.
  await commitEdits(page);
  assert.equal((await cell(page, 0, 1).textContent()).trim(), 'kiwi');
  assert.equal(psql('select name from public.e2e_fruit where id = 30'), 'kiwi');

  t.diagnostic('step: conflict');
  // Conflict: another session renames the row after it was loaded.
  // Typing on a cell opens its editor with what was typed.
  await cell(page, 0, 1).click();
  await page.keyboard.type('m');
  await page.getByTestId('cell-editor').waitFor();
  assert.equal(await page.getByTestId('cell-input').inputValue(), 'm');
  await page.keyboard.type('ine');
  await page.getByTestId('cell-apply').click();
  assert.equal((await cell(page, 0, 1).textContent()).trim(), 'mine');
  psql(`update public.e2e_fruit set name = 'theirs' where id = 30`);
  await page.getByTestId('data-commit').click();
  await page.getByTestId('review-commit').click();
  const problem = page.getByTestId('data-problem');
  await problem.waitFor();
  assert.match(await problem.textContent(), /Conflict.*id = 30 was changed on the server/s);
  assert.match(await page.getByTestId('data-conflict').textContent(), /theirs/);
  assert.equal(psql('select name from public.e2e_fruit where id = 30'), 'theirs', 'nothing was applied');
  assert.equal(await page.getByTestId('data-pending').textContent(), '1 changed', 'the edit stays pending');
  assert.equal(await cell(page, 0, 1).getAttribute('data-mark'), 'invalid');
  await shot(page, 'tabledata-conflict');

  // The user decides: apply theirs-then-mine, reviewed and committed again.
  await page.getByTestId('conflict-overwrite').click();
  await page.getByTestId('data-commit').click();
  assert.match(await page.getByTestId('review-sql').textContent(), /name IS NOT DISTINCT FROM 'theirs'/);
  await page.getByTestId('review-commit').click();
  await page.getByTestId('data-pending').waitFor({ state: 'detached' });
  assert.equal(psql('select name from public.e2e_fruit where id = 30'), 'mine');

  // A new row and a deleted one, in one transaction.
  t.diagnostic('step: insert and delete');
  await page.getByTestId('data-insert').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-row"][data-row="0"]')?.getAttribute('data-mark') === 'inserted');
  await cell(page, 0, 0).click();
  await page.keyboard.type('99');
  await page.keyboard.press('Enter'); // a number: Enter applies
  await page.getByTestId('cell-editor').waitFor({ state: 'detached' });
  await cell(page, 0, 1).dblclick();
  await page.getByTestId('cell-input').fill('new');
  await page.getByTestId('cell-apply').click();
  const last = page.locator('[data-testid="grid-row"][data-row="6"]'); // id 25, below the new row
  await last.locator('[data-testid="grid-cell"][data-col="1"]').click();
  await page.keyboard.press('Delete');
  assert.equal(await last.getAttribute('data-mark'), 'deleted');
  assert.equal(await page.getByTestId('data-pending').textContent(), '1 new, 1 deleted');
  await page.keyboard.press('Control+s');
  const script = await page.getByTestId('review-sql').textContent();
  assert.match(script, /DELETE FROM public\.e2e_fruit WHERE id = 25/);
  assert.match(script, /INSERT INTO public\.e2e_fruit \(id, name\) VALUES \(99, 'new'\)/);
  await page.getByTestId('review-commit').click();
  await page.getByTestId('data-pending').waitFor({ state: 'detached' });
  assert.equal(psql('select string_agg(id::text, \',\' order by id) from public.e2e_fruit where id in (25, 99)'), '99');

  // Closing the tab with a pending change asks first.
  await cell(page, 0, 1).click();
  await page.keyboard.type('x');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('data-pending').waitFor();
  await page.keyboard.press('Control+w');
  assert.match(await page.getByTestId('close-dialog').textContent(), /not committed/);
  await page.keyboard.press('Escape');
  await page.getByTestId('data-discard').click();
  await page.getByTestId('data-pending').waitFor({ state: 'detached' });
  assert.deepEqual(pageErrors, [], 'no errors in the app');
});

/** Opens a table of the active connection's public schema from the tree. */
async function openTable(page, table) {
  const node = page.locator(`[data-testid="table-node"][data-table="${table}"]`);
  await page.locator('[data-testid="schema-node"][data-schema="public"]').waitFor();
  if (!(await node.isVisible())) await page.locator('[data-testid="schema-node"][data-schema="public"]').click();
  await node.dblclick();
  await page.locator(`[data-testid="data-tab"][aria-label="Data of public.${table}"]`).waitFor();
}

/** Puts text on the browser's clipboard (the paste event reads it there). */
const clip = (page, text) => page.evaluate((t) => navigator.clipboard.writeText(t), text);
const pendingText = (page) => page.getByTestId('data-pending').textContent();

test('data tab: paste a TSV block over cells and as new rows, review and commit', async (t) => {
  const { page, url } = app;
  t.after(() => shot(page, 'tabledata-paste-last-state').catch(() => {}));
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  await openTable(page, 'e2e_paste');
  await page.waitForFunction(() => document.querySelector('[data-testid="data-row-count"]')?.textContent?.trim() === '3 rows');

  // 3 columns × 2 rows from (row 0, name): \N is NULL, an empty field the empty string.
  await cell(page, 0, 1).click();
  await clip(page, 'kiwi\t4\tsweet\nlime\t\\N\t');
  await page.keyboard.press('Control+v');
  await page.waitForFunction(() => document.querySelector('[data-testid="data-pending"]')?.textContent === '2 changed');
  assert.equal((await cell(page, 0, 1).textContent()).trim(), 'kiwi');
  assert.equal(await cell(page, 0, 3).getAttribute('data-mark'), 'changed');
  assert.equal(await cell(page, 1, 2).getAttribute('data-null'), '');

  // Two new rows from the first column; the generated column is skipped and the status says so.
  await cell(page, 0, 0).click();
  await clip(page, '10\tpear\t7\tx\t99\n11\tplum\t8\t\\N\t99\n');
  await page.getByTestId('data-paste-rows').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="data-pending"]')?.textContent === '2 changed, 2 new');
  assert.match(await page.getByTestId('data-status').textContent(), /2 cells were not pasted: 2 because total is generated/);
  assert.equal((await cell(page, 0, 1).textContent()).trim(), 'pear', 'new rows on top, in the block\'s order');
  assert.equal((await cell(page, 1, 1).textContent()).trim(), 'plum');
  await shot(page, 'tabledata-paste');

  // A paste is one undo step.
  await page.getByTestId('grid').focus();
  await page.keyboard.press('Control+z');
  assert.equal(await pendingText(page), '2 changed');
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await pendingText(page), '2 changed, 2 new');

  await page.getByTestId('data-commit').click();
  const sql = await page.getByTestId('review-sql').textContent();
  assert.match(sql, /UPDATE public\.e2e_paste SET name = 'kiwi', qty = 4, note = 'sweet' WHERE id = 1/);
  assert.match(sql, /UPDATE public\.e2e_paste SET name = 'lime', qty = NULL, note = '' WHERE id = 2/);
  assert.match(sql, /INSERT INTO public\.e2e_paste \(id, name, qty, note\) VALUES \(10, 'pear', 7, 'x'\)[^]*VALUES \(11, 'plum', 8, NULL\)/);
  await page.getByTestId('review-commit').click();
  await page.getByTestId('data-pending').waitFor({ state: 'detached' });
  assert.equal(
    psql(`select string_agg(concat_ws('|', id, name, coalesce(qty::text, 'NULL'), coalesce(note, 'NULL'), coalesce(total::text, 'NULL')), ' ' order by id) from public.e2e_paste`),
    '1|kiwi|4|sweet|8 2|lime|NULL||NULL 3|p-3|3|NULL|6 10|pear|7|x|14 11|plum|8|NULL|16',
  );
  await page.waitForFunction(() => document.querySelector('[data-testid="data-row-count"]')?.textContent?.trim() === '5 rows');
  assert.equal((await cell(page, 0, 1).textContent()).trim(), 'kiwi');
});

test('data tab: a connection set to commit without review commits on Ctrl+S at once', async (t) => {
  const { page } = app;
  t.after(() => shot(page, 'tabledata-noreview-last-state').catch(() => {}));
  await page.locator('[data-testid="connection-item"]', { hasText: 'data' }).locator('button.name').click({ button: 'right' });
  await page.getByTestId('menu-edit').click();
  await page.getByTestId('f-commit-without-review').check();
  await page.getByTestId('save-connection').click();
  await page.getByTestId('connection-dialog').waitFor({ state: 'detached' });

  await cell(page, 2, 1).click();
  await page.keyboard.type('direct');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('data-pending').waitFor();
  await page.waitForFunction(() => /without the review/.test(document.querySelector('[data-testid="data-commit"]')?.title ?? ''));
  await page.keyboard.press('Control+s');
  await page.getByTestId('data-pending').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('review-dialog').count(), 0, 'no review was shown');
  assert.match(await page.getByTestId('data-status').textContent(), /Committed 1 statement/);
  assert.equal(psql('select name from public.e2e_paste where id = 3'), 'direct');
});
