// End-to-end for editing a query's result, in its own app: SELECT * FROM a
// table in a query tab, edit a cell in the result, review the SQL, commit
// with Ctrl+S and see the stored value; a re-run with an uncommitted edit
// asks first; a join's result is read-only and says why. Every wait is on a
// condition, with the harness's timeout (TUSK_E2E_TIMEOUT). Screenshots go
// to test-results/e2e (resultedit-*.png).
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
