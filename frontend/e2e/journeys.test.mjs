// End-to-end journeys of issue 9, each as a user drives it, against the real
// app (wails dev), a real PostgreSQL and a real keyring: the broken journeys
// that were fixed, the keyboard, the palette, and the failure paths.
// Screenshots of every reworked screen, in both themes, go to test-results/e2e.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsDir, startApp, startPostgres } from './harness.mjs';

let app;
let pg;

before(async () => {
  pg = startPostgres();
  app = await startApp();
  await app.page.goto(app.url);
  await app.page.getByTestId('no-connections').waitFor();
});

after(async () => {
  await app?.stop();
  pg?.stop();
});

const shot = (page, name) => page.screenshot({ path: join(resultsDir, `${name}.png`) });

async function bothThemes(page, name) {
  await shot(page, `${name}-light`);
  await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
  await shot(page, `${name}-dark`);
  await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
}

async function typeSQL(page, sql) {
  const editor = page.locator('[data-testid="editor"] .cm-content');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
}

const idle = (page) => page.waitForFunction(() => !document.querySelector('[data-testid="status-timer"]'));

async function runAndWait(page, key = 'Control+Enter') {
  await page.keyboard.press(key);
  await idle(page);
}

const row = (page, name) => page.locator('[data-testid="connection-item"]', { hasText: name });
const activeTab = (page) => page.locator('[data-testid="editor-tab"] [role="tab"][aria-selected="true"]');

async function connectionMenu(page, name, item) {
  await row(page, name).locator('button.name').click({ button: 'right' });
  await page.getByTestId('context-menu').waitFor();
  if (item) await page.getByTestId(item).click();
}

const bound = (page, method, ...args) => page.evaluate(({ method, args }) => window.go.main.App[method](...args), { method, args });

test('a pasted URL keeps its password: Test works before saving, Edit shows it stored and can remove it', async () => {
  const { page } = app;
  const c = pg.cluster;
  await page.getByTestId('new-connection').click();
  await page.getByTestId('paste-url').fill(`postgresql://${c.scramUser}:${encodeURIComponent(c.scramPassword)}@${c.host}:${c.port}/${c.database}?sslmode=require`);
  await page.getByTestId('paste-fill').click();
  await page.getByTestId('pasted-password').waitFor();
  assert.equal(await page.getByTestId('f-password').inputValue(), '', 'the pasted password must never be shown');
  await page.getByTestId('f-name').fill('Pasted');
  await page.getByTestId('test-connection').click();
  await page.getByTestId('test-report').getByText('PostgreSQL').waitFor();
  await bothThemes(page, 'ui-connection-dialog');
  await page.getByTestId('save-connection').click();
  await row(page, 'Pasted').waitFor();
  const [saved] = (await bound(page, 'ListConnections')).filter((x) => x.name === 'Pasted');
  assert.equal(await bound(page, 'HasPassword', { connectionId: saved.id }), true, 'the URL password was not stored');

  // Edit: the stored password is shown as stored (never its value) and can be removed.
  await connectionMenu(page, 'Pasted', 'menu-edit');
  await page.getByTestId('password-stored').waitFor();
  await page.getByTestId('password-remove').check();
  await page.getByTestId('save-connection').click();
  await page.getByTestId('connection-dialog').waitFor({ state: 'detached' });
  assert.equal(await bound(page, 'HasPassword', { connectionId: saved.id }), false, 'Remove did not remove the password');
});

test('Run on a tab whose connection is closed connects first, asking for the password', async () => {
  const { page } = app;
  const c = pg.cluster;
  await connectionMenu(page, 'Pasted', 'menu-new-tab');
  await activeTab(page).waitFor();
  // A new tab takes the keyboard at once: no click into the editor.
  await page.keyboard.insertText('select 42 as answer');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('password-prompt').waitFor();
  await bothThemes(page, 'ui-password-prompt');
  await page.getByTestId('prompt-password').fill(c.scramPassword);
  await page.getByTestId('prompt-connect').click();
  const cell = page.locator('[data-testid="grid-row"][data-row="0"] [data-testid="grid-cell"]').first();
  await cell.waitFor();
  assert.equal((await cell.textContent()).trim(), '42');
  assert.equal(await page.locator('[data-testid="connection-item"][data-connection-id] [data-testid="connection-status"][aria-label="connected"]').count(), 1);
});

test('history records the statement that ran, and Re-run runs only it', async () => {
  const { page } = app;
  await typeSQL(page, '-- Welcome to Tusk!\n-- a header comment\nselect 1 as first;\nselect 2 as second;');
  await page.keyboard.press('Control+End'); // the cursor on the second statement
  await runAndWait(page);
  const item = page.getByTestId('history-item').first();
  await item.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="history-item"] .sql')?.textContent === 'select 2 as second');
  const tabs = await page.getByTestId('editor-tab').count();
  await item.getByTestId('history-rerun').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="editor-tab"]').length === n + 1, tabs);
  await page.locator('[data-testid="grid-row"][data-row="0"]').waitFor();
  assert.equal(await page.getByTestId('result-tab').count(), 1, 'Re-run ran more than the statement');
  assert.match(await page.locator('[data-testid="grid"]').textContent(), /second/);
  assert.doesNotMatch(await page.locator('[data-testid="editor"] .cm-content').textContent(), /Welcome/);
});

test('a script says which statement runs, and its failure comes forward', async () => {
  const { page } = app;
  await typeSQL(page, 'select 1 as a;\nselect pg_sleep(1.5);\nselect 1/0;\nselect 4;');
  await page.keyboard.press('Control+Shift+Enter');
  await page.getByTestId('statement-progress').filter({ hasText: 'Statement 2 of 4' }).waitFor();
  await shot(page, 'ui-script-running-light');
  await idle(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="messages-tab"]')?.getAttribute('aria-selected') === 'true');
  assert.match(await page.getByTestId('messages-errors').textContent(), /1 error/);
  await page.getByText(/division by zero/).first().waitFor();
  assert.equal(await page.locator('[data-testid="message"][data-status="skipped"]').count(), 1);
  await bothThemes(page, 'ui-script-failed');
});

test('the error marker leaves when its line is edited, and a cancel is an outcome', async () => {
  const { page } = app;
  await typeSQL(page, 'select 1;\nselect nme from pg_class;');
  await runAndWait(page, 'Control+Shift+Enter');
  await page.locator('.cm-lintRange-error').first().waitFor();
  // An edit on another line moves the marker along; on its own line it goes.
  await page.keyboard.press('Control+Home');
  await page.keyboard.insertText('-- note\n');
  assert.equal(await page.locator('.cm-lintRange-error').count(), 1);
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Home');
  await page.keyboard.press('End');
  await page.keyboard.insertText(' ');
  await page.waitForFunction(() => document.querySelectorAll('.cm-lintRange-error').length === 0);

  // Cancel: "Cancelled after …", no error card.
  await typeSQL(page, 'select pg_sleep(30)');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('status-timer').waitFor();
  await page.keyboard.press('Escape'); // in the editor, with nothing open: cancels
  await idle(page);
  assert.match(await page.getByTestId('outcome').textContent(), /^Cancelled after/);
  assert.equal(await page.locator('[data-pane="results"] [data-testid="error"]').count(), 0);
});

test('banners belong to their tab and close', async () => {
  const { page } = app;
  const first = await page.locator('[data-testid="editor-tab"]').count();
  await page.keyboard.press('Control+t');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="editor-tab"]').length === n + 1, first);
  // A tab with no connection: running it says so in that tab.
  await page.getByTestId('tab-connection').selectOption('');
  await page.keyboard.press('Control+Shift+P');
  await page.getByTestId('palette-input').fill('run statement');
  await page.keyboard.press('Enter');
  const banner = page.locator('[data-pane="results"] [data-testid="notice"], [data-pane="results"] [data-testid="error"]');
  await banner.first().waitFor();
  assert.match(await banner.first().textContent(), /No connection/);
  await page.keyboard.press('Control+Shift+Tab'); // another tab: not there
  assert.equal(await banner.count(), 0);
  await page.keyboard.press('Control+Tab'); // back: still there, and it closes
  await banner.first().waitFor();
  await page.getByTestId('banner-close').first().click();
  assert.equal(await banner.count(), 0);
});

test('unsaved tabs ask before closing; Ctrl+Shift+T brings a closed tab back', async () => {
  const { page } = app;
  await page.keyboard.press('Control+t');
  await page.keyboard.insertText('select 7 as unsaved');
  const tab = page.locator('[data-testid="editor-tab"]').last();
  assert.equal(await tab.getAttribute('data-dirty'), 'true');
  assert.equal(await tab.getAttribute('data-running'), 'false');
  const count = await page.getByTestId('editor-tab').count();
  await page.keyboard.press('Control+w');
  await page.getByTestId('close-dialog').waitFor();
  await bothThemes(page, 'ui-close-unsaved');
  await page.keyboard.press('Escape'); // Esc closes the dialog, nothing else
  await page.getByTestId('close-dialog').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('editor-tab').count(), count);
  await page.keyboard.press('Control+w');
  await page.getByTestId('close-discard').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="editor-tab"]').length === n - 1, count);
  await page.keyboard.press('Control+Shift+T');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="editor-tab"]').length === n, count);
  assert.match(await page.locator('[data-testid="editor"] .cm-content').textContent(), /select 7 as unsaved/);
  // Add it to the saved queries: the tab is no longer dirty and closes without asking.
  await page.keyboard.press('Control+Alt+s');
  await page.getByTestId('save-name').fill('Seven');
  await page.getByTestId('save-confirm').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="editor-tab"]:last-child')?.dataset.dirty === 'false');
  await page.keyboard.press('Control+w');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="editor-tab"]').length === n - 1, count);
});

test('a .sql file dropped on the window opens in a tab, and Ctrl+S saves it back as it was written', async () => {
  const { page } = app;
  const dir = mkdtempSync(join(tmpdir(), 'tusk-e2e-files-'));
  try {
    const file = join(dir, 'report.sql');
    writeFileSync(file, '\uFEFFselect 1 as one;\r\nselect 2 as two;\r\n');
    const bad = join(dir, 'latin1.sql');
    writeFileSync(bad, Buffer.from([0x73, 0x65, 0x6c, 0xe9, 0x0a]));
    // Wails' native file drop delivers files:open; the page's handler opens them.
    await page.evaluate((paths) => window.runtime.EventsEmit('files:open', { paths, source: 'drop' }), [file]);
    await page.locator('[data-testid="editor-tab"]', { hasText: 'report.sql' }).waitFor();
    assert.match(await page.locator('[data-testid="editor"] .cm-content').textContent(), /select 2 as two/);
    await page.locator('[data-testid="editor"] .cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('select 3 as three;');
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => document.querySelector('[data-testid="editor-tab"] [aria-selected="true"]')?.closest('[data-testid="editor-tab"]')?.dataset.dirty === 'false');
    const saved = readFileSync(file);
    assert.deepEqual([...saved.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the BOM was lost');
    assert.match(saved.toString('utf8'), /select 2 as two;\r\nselect 3 as three;/, 'line endings or text changed');
    // A file that is not UTF-8 is refused with a clear message, and nothing is lost.
    await page.evaluate((paths) => window.runtime.EventsEmit('files:open', { paths, source: 'drop' }), [bad]);
    const banner = page.locator('[data-pane="results"] [data-testid="error"]');
    await banner.first().waitFor();
    assert.match(await banner.first().textContent(), /UTF-8/);
    await page.getByTestId('banner-close').first().click();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fast queries never leave a tab running (events that beat Execute are kept)', async () => {
  const { page } = app;
  await typeSQL(page, 'select 1');
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Control+Enter');
    await idle(page);
  }
  // The last run may begin just after the last key (its safety check goes
  // first); it must end too: a stuck tab fails this wait.
  await page.waitForFunction(() => !document.querySelector('[data-testid="editor-tab"][data-running="true"]'), null, { timeout: 15_000 });
  assert.equal(await page.locator('[data-testid="banner"][data-severity="error"], [data-testid="error"]').count(), 0, 'a fast run failed');
});

test('the keyboard: tabs, panes, the palette, Esc order, completion after FROM', async () => {
  const { page } = app;
  const tabs = await page.getByTestId('editor-tab').count();
  assert.ok(tabs >= 3);
  await page.keyboard.press('Control+1');
  assert.equal(await page.locator('[data-testid="editor-tab"]').first().locator('[role="tab"]').getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Control+9');
  assert.equal(await page.locator('[data-testid="editor-tab"]').last().locator('[role="tab"]').getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Control+Tab');
  assert.equal(await page.locator('[data-testid="editor-tab"]').first().locator('[role="tab"]').getAttribute('aria-selected'), 'true');

  // F6 moves the focus: editor → results → sidebar → editor.
  await page.locator('[data-testid="editor"] .cm-content').click();
  const pane = () => page.evaluate(() => document.activeElement?.closest('[data-pane]')?.getAttribute('data-pane') ?? null);
  await page.keyboard.press('F6');
  assert.equal(await pane(), 'results');
  await page.keyboard.press('F6');
  assert.equal(await pane(), 'sidebar');
  await page.keyboard.press('F6');
  assert.equal(await pane(), 'editor');
  await page.keyboard.press('Shift+F6');
  assert.equal(await pane(), 'sidebar');

  // Esc closes the palette, and does not cancel the running query under it.
  await page.locator('[data-testid="editor"] .cm-content').click();
  await typeSQL(page, 'select pg_sleep(3)');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('status-timer').waitFor();
  await page.keyboard.press('Control+k');
  await page.getByTestId('palette').waitFor();
  await bothThemes(page, 'ui-palette');
  await page.keyboard.press('Escape');
  await page.getByTestId('palette').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('status-timer').count(), 1, 'Esc cancelled the query instead of closing the palette');
  await idle(page);

  // The palette jumps to a table by fuzzy name and runs Select top 1000.
  await typeSQL(page, 'create table palette_target (id int primary key); insert into palette_target values (1), (2);');
  await runAndWait(page, 'Control+Shift+Enter');
  await page.keyboard.press('Control+Shift+P');
  await page.getByTestId('palette-input').fill('pltarget');
  await page.locator('[data-testid="palette-item"][data-kind="table"]').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="grid-row"][data-row="1"]').waitFor();

  // The shortcuts overlay is generated from the catalogue.
  await page.keyboard.press('F1');
  await page.getByTestId('help').getByText('Ctrl+Shift+P').waitFor();
  await bothThemes(page, 'ui-shortcuts');
  await page.keyboard.press('Escape');

  // Completion opens after FROM without Ctrl+Space.
  await typeSQL(page, 'select * from ');
  await page.locator('.cm-tooltip-autocomplete').getByText('palette_target').waitFor();
  // Every option has a drawn icon (no font glyphs that render as empty boxes).
  const options = await page.locator('.cm-tooltip-autocomplete li').count();
  assert.equal(await page.locator('.cm-tooltip-autocomplete li .tusk-completion-icon svg').count(), options);
  await bothThemes(page, 'ui-completion');
  await page.keyboard.press('Escape');
});

test('connections live in folders; the sidebar menus are menus; delete removes the connection', async () => {
  const { page } = app;
  await page.getByTestId('new-group').click();
  await page.getByTestId('group-name').fill('Production');
  await page.getByTestId('group-save').click();
  await page.locator('[data-testid="connection-group"][data-group="Production"]').waitFor();
  await connectionMenu(page, 'Pasted');
  await bothThemes(page, 'ui-connection-menu');
  await page.getByRole('menuitem', { name: 'Move to “Production”' }).click();
  await page.locator('[data-testid="connection-group"][data-group="Production"] [data-testid="connection-item"]', { hasText: 'Pasted' }).waitFor();
  await bothThemes(page, 'ui-workspace');

  await connectionMenu(page, 'Pasted', 'menu-delete');
  await page.getByTestId('confirm-delete').click();
  await row(page, 'Pasted').waitFor({ state: 'detached' });
  const left = (await bound(page, 'ListConnections')).filter((x) => x.name === 'Pasted');
  assert.deepEqual(left, [], 'the store still has the deleted connection');
});

test('without a keychain the notice says so plainly, retries and can be dismissed', async () => {
  // A second app with no D-Bus session: the keychain falls back to memory.
  const noKeyring = await startApp({ env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' } });
  try {
    const { page, url } = noKeyring;
    await page.goto(url);
    const notice = page.getByTestId('keychain-banner');
    await notice.waitFor();
    const text = await notice.textContent();
    assert.match(text, /remembered only until Tusk quits/);
    assert.doesNotMatch(text, /dbus|D-Bus|org\.freedesktop/, 'raw D-Bus text in the notice');
    await bothThemes(page, 'ui-keychain-notice');
    await page.getByTestId('keychain-retry').click();
    await notice.waitFor(); // still unavailable: still there
    await page.getByTestId('keychain-dismiss').click();
    await notice.waitFor({ state: 'detached' });
  } finally {
    await noKeyring.stop();
  }
});

test('dialogs hold still and name every field; sidebar sections collapse, scroll on their own and are remembered', async () => {
  const { page } = app;
  // The connection dialog: every control has a name a screen reader reads, and
  // the dialog stays where it is while validation messages appear and the user types.
  await page.getByTestId('new-connection').click();
  const dialog = page.getByTestId('connection-dialog');
  await dialog.waitFor();
  const { shown, unnamed } = await dialog.evaluate((d) => {
    const controls = [...d.querySelectorAll('input, select, textarea')].filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0);
    const named = (el) => [...(el.labels ?? [])].some((l) => l.textContent.trim()) || !!el.getAttribute('aria-label') || !!el.getAttribute('aria-labelledby');
    return { shown: controls.length, unnamed: controls.filter((el) => !named(el)).map((el) => el.dataset.testid ?? el.outerHTML.slice(0, 80)) };
  });
  assert.ok(shown >= 10, `the dialog shows ${shown} controls`);
  assert.deepEqual(unnamed, [], 'controls without a label');
  const top = async () => Math.round((await dialog.boundingBox()).y);
  const y0 = await top();
  await page.getByTestId('f-name').fill('');
  await page.getByTestId('f-port').fill('70000');
  await page.getByTestId('save-connection').click();
  await page.getByTestId('field-error-port').waitFor();
  assert.equal(await top(), y0, 'the dialog moved when its validation messages appeared');
  await page.getByTestId('f-host').fill('a-rather-long-host-name.internal.example.com');
  await page.getByTestId('f-port').fill('5432');
  assert.equal(await top(), y0, 'the dialog moved while the user typed');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });

  // The sidebar: each open section's body scrolls by itself, the sidebar never does.
  const bodies = await page.locator('[data-pane="sidebar"] section .body').evaluateAll((els) => els.map((el) => getComputedStyle(el).overflowY));
  assert.ok(bodies.length >= 3, `open sections: ${bodies.length}`);
  assert.deepEqual([...new Set(bodies)], ['auto']);
  const sidebar = await page.locator('[data-pane="sidebar"]').evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
  assert.ok(sidebar.scroll <= sidebar.client + 1, `the sidebar itself scrolls: ${JSON.stringify(sidebar)}`);

  // Collapsed, History gives its room to the others; the choice survives a reload.
  const toggle = page.getByTestId('section-history').locator('button.toggle');
  const savedHeight = async () => (await page.getByTestId('section-saved').boundingBox()).height;
  const before = await savedHeight();
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByTestId('section-history').locator('.body').count(), 0);
  assert.ok((await savedHeight()) > before, 'the other sections did not take the room');
  await page.waitForFunction(async () => JSON.parse((await window.go.main.App.GetUIState({ key: 'sidebarSections' })) || '{}').history === false);
  await page.reload();
  await page.getByTestId('section-history').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="section-history"] button.toggle')?.getAttribute('aria-expanded') === 'false');
  await page.getByTestId('section-history').locator('button.toggle').click();
  assert.equal(await page.getByTestId('section-history').locator('button.toggle').getAttribute('aria-expanded'), 'true');
});
