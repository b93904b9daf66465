// End-to-end: the real Go backend under `wails dev`, the real frontend, a real
// Chromium. Proves the bound API, the ErrorFormatter and the local store work
// through the UI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resultsDir, startApp } from './harness.mjs';

let app;

before(async () => {
  app = await startApp();
});

after(async () => {
  await app?.stop();
});

test('the start screen shows what the backend reports', async () => {
  const { page, url, dataDir } = app;
  await page.goto(url);
  const dir = page.getByTestId('data-dir');
  await dir.waitFor({ timeout: 30_000 });
  assert.equal(await dir.textContent(), dataDir);
  assert.equal(await page.getByTestId('store-path').textContent(), join(dataDir, 'tusk.db'));
  assert.equal(await page.getByTestId('log-path').textContent(), join(dataDir, 'logs', 'tusk.log'));
  assert.match(await page.getByTestId('version').textContent(), /^v\d+\.\d+\.\d+/);
  // The true figures (launch → first frame, → interactive) beside the state's own.
  const startup = page.getByTestId('startup');
  await page.waitForFunction((el) => /to interactive/.test(el.textContent), await startup.elementHandle());
  assert.match((await startup.textContent()).replace(/\s+/g, ' ').trim(), /^\d+ ms to the first frame, \d+ ms to interactive \(state \d+\.\d ms\)$/);
  assert.match(await page.getByTestId('keychain').textContent(), /OS keychain \(answered in [\d.]+ ms\)/);
  await page.screenshot({ path: join(resultsDir, 'start-screen.png'), fullPage: true });
});

test('the theme choice is saved in the local store and survives a reload', async () => {
  const { page, url } = app;
  await page.goto(url);
  const toggle = page.getByTestId('theme-toggle');
  await toggle.waitFor();
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  await toggle.click();
  const want = before === 'dark' ? 'light' : 'dark';
  await page.waitForFunction((t) => document.documentElement.dataset.theme === t, want);
  await page.reload();
  await page.getByTestId('data-dir').waitFor();
  await page.waitForFunction((t) => document.documentElement.dataset.theme === t, want, { timeout: 10_000 });
  await page.screenshot({ path: join(resultsDir, `start-screen-${want}.png`), fullPage: true });
});

test('a rejected bound call carries a typed ErrorInfo', async () => {
  const { page, url } = app;
  await page.goto(url);
  await page.getByTestId('data-dir').waitFor();
  // Call the generated binding as the api layer does; Wails rejects with an
  // Error whose message is the ErrorInfo JSON from apperr.Format.
  const message = await page.evaluate(async () => {
    try {
      await window.go.main.App.SetUIState({ key: 'theme', value: '{not json' });
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  });
  assert.ok(message, 'SetUIState with invalid JSON must reject');
  const info = JSON.parse(message);
  assert.equal(info.kind, 'validation');
  assert.equal(info.title, 'Invalid input');
  assert.deepEqual(info.fields, [{ field: 'value', message: 'the value is not valid JSON' }]);
  assert.ok(info.hint, 'a validation error carries a hint');
});
