// End-to-end: save a connection with its password in the real keychain
// (gnome-keyring under with-keyring.sh), connect through the real backend to
// a real PostgreSQL, watch the pool in the status bar, and prove the
// password reached neither the local store nor the log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
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

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name));
}

test('a saved connection connects with the keychain password and shows in the status bar', async () => {
  const { page, url, dataDir } = app;
  const { cluster } = pg;
  await page.goto(url);
  await page.getByTestId('data-dir').waitFor();
  assert.match(await page.getByTestId('keychain').textContent(), /OS keychain/);
  assert.equal((await page.getByTestId('status-bar').textContent()).trim(), 'Not connected');

  const saved = await page.evaluate(
    async ({ c }) =>
      window.go.main.App.SaveConnection({
        config: {
          name: 'e2e',
          host: c.host,
          port: c.port,
          database: c.database,
          user: c.scramUser,
          sslMode: 'verify-full',
          sslRootCert: c.caCertPath,
          options: { connectTimeoutMs: 10000, applicationName: 'Tusk e2e' },
        },
        password: c.scramPassword,
        remember: true,
      }),
    { c: cluster },
  );
  assert.ok(saved.id, 'a saved connection gets an id');
  assert.equal(await page.evaluate((id) => window.go.main.App.HasPassword(id), saved.id), true);

  // Connect without giving the password: it comes from the keychain.
  const status = await page.evaluate((id) => window.go.main.App.Connect({ id }), saved.id);
  assert.equal(status.connectionId, saved.id);
  assert.equal(status.closed, false);
  const pool = page.locator(`[data-testid="pool-status"][data-connection-id="${saved.id}"]`);
  await pool.waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(resultsDir, 'connected.png'), fullPage: true });

  await page.evaluate((id) => window.go.main.App.Disconnect(id), saved.id);
  await pool.waitFor({ state: 'detached', timeout: 10_000 });

  // The password is in the keychain only: not in the store, not in the logs.
  const leaks = filesUnder(dataDir).filter((f) => readFileSync(f).includes(cluster.scramPassword));
  assert.deepEqual(leaks, [], 'the password leaked into ' + leaks.join(', '));
  assert.ok(!readFileSync(app.logPath, 'utf8').includes(cluster.scramPassword), 'the password leaked into the dev log');
});

test('a wrong password is reported as an authentication error with a hint', async () => {
  const { page, url } = app;
  const { cluster } = pg;
  await page.goto(url);
  await page.getByTestId('data-dir').waitFor();
  const message = await page.evaluate(async ({ c }) => {
    const saved = await window.go.main.App.SaveConnection({
      config: {
        name: 'e2e wrong password', host: c.host, port: c.port, database: c.database, user: c.scramUser,
        sslMode: 'disable', options: { connectTimeoutMs: 10000, applicationName: 'Tusk e2e' },
      },
      password: '',
      remember: false,
    });
    try {
      await window.go.main.App.Connect({ id: saved.id, password: 'not-the-password' });
      return null;
    } catch (e) {
      return e.message;
    }
  }, { c: cluster });
  const info = JSON.parse(message);
  assert.equal(info.kind, 'authentication');
  assert.equal(info.code, '28P01');
  assert.ok(info.hint);
});
