// End-to-end for editing a query's result, in its own app: SELECT * FROM a
// table in a query tab, edit a cell in the result, review the SQL, commit
// with Ctrl+S and see the stored value; a re-run with an uncommitted edit
// asks first; a join's result is read-only and says why. Then rows pasted,
// columns hidden and moved, a cell edited and a block pasted in them, one
// commit. Every wait is on a condition, with the harness's timeout
// (TUSK_E2E_TIMEOUT). Screenshots go to test-results/e2e (resultedit-*.png).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { commitEdits, resultsDir, startApp, startPostgres, typeSQL } from './harness.mjs';

let app;
let pg;

before(async () => {
  pg = startPostgres();
  pg.psql(`create table public.e2e_basket (id int primary key, name text not null, qty int);
           insert into public.e2e_basket select g, 'b-' || g, g from generate_series(1, 5) g;
           create table public.e2e_buyer (id int primary key, name text);
           insert into public.e2e_buyer select g, 'buyer-' || g from generate_series(1, 5) g;`);
  app = await startApp();
});

after(async () => {
  await app?.stop();
  pg?.stop();
});

const cellAt = (page, row, col) => page.locator(`[data-testid="grid-row"][data-row="${row}"] [data-testid="grid-cell"][data-col="${col}"]`);
const text = async (page, row, col) => (await cellAt(page, row, col).textContent()).trim();

/** editCell opens a cell's editor with a double-click, types value and applies it with key. */
async function editCell(page, row, col, value, key) {
  await cellAt(page, row, col).dblclick();
  await page.getByTestId('cell-editor').waitFor();
  await page.getByTestId('cell-input').fill(value);
  await page.keyboard.press(key);
  await page.getByTestId('cell-editor').waitFor({ state: 'detached' });
}

test('query result: edit a cell, review, commit, see the value; a join is read-only', async (t) => {
  const { page, url } = app;
  t.after(() => page.screenshot({ path: join(resultsDir, 'resultedit-last-state.png') }).catch(() => {}));
  page.on('console', (m) => m.type() === 'error' && t.diagnostic(`console: ${m.text()}`));
  await page.goto(url);
  await page.evaluate(
    async (c) =>
      window.go.main.App.SaveConnection({
        config: { name: 'basket', host: c.host, port: c.port, database: c.database, user: c.trustUser, sslMode: 'disable', options: {} },
        password: '',
        remember: false,
      }),
    pg.cluster,
  );
  await page.reload();
  const conn = page.locator('[data-testid="connection-item"]', { hasText: 'basket' });
  await conn.locator('button.name').click({ button: 'right' });
  await page.getByTestId('context-menu').waitFor();
  await page.getByTestId('menu-new-tab').click();

  t.diagnostic('step: run');
  await typeSQL(page, 'SELECT * FROM e2e_basket ORDER BY id');
  await page.keyboard.press('Control+Enter');
  await page.locator('[data-testid="result-grid"][data-edit="editable"]').waitFor();
  assert.match(await page.getByTestId('result-editable').textContent(), /public\.e2e_basket/);
  assert.equal(await text(page, 0, 1), 'b-1');

  t.diagnostic('step: edit');
  await editCell(page, 0, 1, 'plum', 'Control+Enter');
  assert.equal(await page.getByTestId('data-pending').textContent(), '1 changed');
  assert.equal(await cellAt(page, 0, 1).getAttribute('data-mark'), 'changed');
  await page.screenshot({ path: join(resultsDir, 'resultedit-pending.png') });

  t.diagnostic('step: review');
  await page.getByTestId('data-review').click();
  const sql = await page.getByTestId('review-sql').textContent();
  assert.match(sql, /UPDATE public\.e2e_basket SET name = 'plum' WHERE id = 1 AND name IS NOT DISTINCT FROM 'b-1'/);
  await page.keyboard.press('Escape');
  await page.getByTestId('review-dialog').waitFor({ state: 'detached' });

  t.diagnostic('step: commit');
  // Ctrl+S in the result grid reviews and commits (in the editor it saves the text).
  await commitEdits(page);
  assert.equal(await text(page, 0, 1), 'plum');
  assert.match(await page.getByTestId('data-status').textContent(), /as stored/);
  assert.equal(pg.psql('select name from public.e2e_basket where id = 1'), 'plum');

  t.diagnostic('step: re-run asks');
  // An uncommitted edit: running again asks before dropping it.
  await editCell(page, 1, 2, '20', 'Enter');
  // Closing the tab asks too; Cancel keeps the tab and the edit.
  await page.keyboard.press('Control+w');
  await page.getByTestId('close-result-edits').waitFor();
  await page.getByTestId('close-cancel').click();
  await page.getByTestId('close-dialog').waitFor({ state: 'detached' });
  assert.match(await page.getByTestId('data-pending').textContent(), /1 changed/);
  await typeSQL(page, 'SELECT b.id, b.name, c.name AS buyer FROM e2e_basket b JOIN e2e_buyer c USING (id) ORDER BY b.id');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('discard-edits-confirm').waitFor();
  await page.getByTestId('discard-edits-run').click();

  t.diagnostic('step: join');
  const note = page.locator('[data-testid="result-grid"][data-edit="readonly"] [data-testid="result-readonly"]');
  await note.waitFor();
  assert.equal(await note.textContent(), 'Read-only: columns come from 2 tables (public.e2e_basket, public.e2e_buyer)');
  assert.equal(await page.getByTestId('data-insert').count(), 0);
  assert.equal(await text(page, 0, 1), 'plum');
  assert.equal(pg.psql('select qty from public.e2e_basket where id = 2'), '2');
  await page.screenshot({ path: join(resultsDir, 'resultedit-readonly.png') });
});

test('query result: paste rows, then hide and move columns and go on editing and pasting; one commit', async (t) => {
  const { page, url } = app;
  t.after(() => page.screenshot({ path: join(resultsDir, 'resultedit-arranged-last-state.png') }).catch(() => {}));
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  const clip = (s) => page.evaluate((x) => navigator.clipboard.writeText(x), s);
  const pending = (want) => page.waitForFunction((w) => document.querySelector('[data-testid="data-pending"]')?.textContent === w, want);
  const headerNames = () => page.$$eval('[data-testid="grid-header-cell"] .name', (els) => els.map((e) => e.textContent).join());

  await typeSQL(page, 'SELECT * FROM e2e_basket ORDER BY id');
  await page.keyboard.press('Control+Enter');
  await page.locator('[data-testid="result-grid"][data-edit="editable"]').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-row"][data-row="0"] [data-col="1"]')?.textContent?.trim() === 'plum');

  t.diagnostic('step: paste rows');
  await cellAt(page, 0, 0).click();
  await clip('6\tb-6\t60\n');
  await page.getByTestId('data-paste-rows').click();
  await pending('1 new');
  assert.equal(await text(page, 0, 1), 'b-6', 'the new row is on top');

  t.diagnostic('step: hide id, move qty first');
  await page.getByTestId('columns-button').click();
  await page.locator('[data-testid="columns-toggle"][data-col="0"]').uncheck();
  await page.getByTestId('columns-button').click();
  await page.getByTestId('columns-menu').waitFor({ state: 'detached' });
  await page.locator('[data-testid="grid-header-cell"][data-col="1"]').click({ button: 'right' });
  await page.getByTestId('column-move-left').click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="grid-header-cell"] .name')].map((e) => e.textContent).join() === 'qty,name');
  // Still editable, the new row kept, the rows shown through the layout.
  await page.locator('[data-testid="result-grid"][data-edit="editable"]').waitFor();
  assert.equal(await headerNames(), 'qty,name');
  assert.equal(await text(page, 0, 0), '60');
  assert.equal(await text(page, 2, 1), 'b-2');

  t.diagnostic('step: edit and paste in moved columns');
  await editCell(page, 2, 1, 'fig', 'Control+Enter');
  await pending('1 changed, 1 new');
  assert.equal(await cellAt(page, 2, 1).getAttribute('data-mark'), 'changed');
  assert.equal(await cellAt(page, 2, 0).getAttribute('data-mark'), null);
  await cellAt(page, 3, 0).click();
  await clip('30\tlime\n40\tkiwi\n');
  await page.keyboard.press('Control+v');
  await pending('3 changed, 1 new');
  assert.equal(await text(page, 3, 1), 'lime');
  assert.equal(await text(page, 4, 0), '40');
  await page.screenshot({ path: join(resultsDir, 'resultedit-arranged.png') });

  t.diagnostic('step: review and commit');
  await page.getByTestId('data-review').click();
  const sql = await page.getByTestId('review-sql').textContent();
  assert.match(sql, /UPDATE public\.e2e_basket SET name = 'lime', qty = 30 WHERE id = 3 AND name IS NOT DISTINCT FROM 'b-3' AND qty IS NOT DISTINCT FROM 3/);
  assert.match(sql, /INSERT INTO public\.e2e_basket \(id, name, qty\) VALUES \(6, 'b-6', 60\)/);
  await page.keyboard.press('Escape');
  await page.getByTestId('review-dialog').waitFor({ state: 'detached' });
  await commitEdits(page);
  assert.equal(await text(page, 2, 1), 'fig');
  assert.equal(await headerNames(), 'qty,name', 'the layout stays after the commit');
  assert.equal(pg.psql("select string_agg(concat_ws(':', id, name, qty), ' ' order by id) from public.e2e_basket"), '1:plum:1 2:fig:2 3:lime:30 4:kiwi:40 5:b-5:5 6:b-6:60');
});
