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
  assert.equal(await page.evaluate((id) => window.go.main.App.HasPassword({ connectionId: id }), saved.id), true);

  // Connect without giving the password: it comes from the keychain.
  const status = await page.evaluate((id) => window.go.main.App.Connect({ id }), saved.id);
  assert.equal(status.connectionId, saved.id);
  assert.equal(status.closed, false);
  const pool = page.locator(`[data-testid="pool-status"][data-connection-id="${saved.id}"]`);
  await pool.waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(resultsDir, 'connected.png'), fullPage: true });

  await page.evaluate((id) => window.go.main.App.Disconnect({ connectionId: id }), saved.id);
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

test('a script runs in a tab session, streams pages, exports and lands in the history', async () => {
  const { page, url, dataDir } = app;
  const { cluster } = pg;
  await page.goto(url);
  await page.getByTestId('data-dir').waitFor();
  const out = await page.evaluate(
    async ({ c, exportPath }) => {
      const App = window.go.main.App;
      const saved = await App.SaveConnection({
        config: {
          name: 'e2e queries', host: c.host, port: c.port, database: c.database, user: c.trustUser,
          sslMode: 'disable', options: { connectTimeoutMs: 10000, applicationName: 'Tusk e2e' },
        },
        password: '', remember: false,
      });
      await App.Connect({ id: saved.id });
      // The caller names the query, so its events can never arrive before
      // the caller knows which query they belong to.
      const run = (sql) =>
        new Promise((resolve, reject) => {
          const queryId = crypto.randomUUID();
          const off = window.runtime.EventsOn('query:done', (s) => s.queryId === queryId && (off(), offErr(), resolve(s)));
          const offErr = window.runtime.EventsOn('query:error', (s) => s.queryId === queryId && (off(), offErr(), resolve(s)));
          App.Execute({ queryId, sessionId: 'tab-1', connectionId: saved.id, sql }).catch(reject);
        });
      const script = await run("create temp table t as select g, 'row ' || g as label from generate_series(1, 5000) g;\nselect * from t order by g;\nselect nope;");
      const rows = await App.ResultPage({ queryId: script.queryId, statement: 1, offset: 4990, limit: 100 });
      const exported = await App.ExportResultToFile({ queryId: script.queryId, statement: 1, format: 'csv', path: exportPath });
      const again = await run('select count(*) from t'); // same tab: the temp table is still there
      const count = await App.ResultPage({ queryId: again.queryId, statement: 0, offset: 0, limit: 1 });
      const history = await App.History({ search: 'generate_series', filter: {} });
      return { script, rows, exported, count, historyLength: history.length };
    },
    { c: cluster, exportPath: join(dataDir, 'export.csv') },
  );
  assert.equal(out.script.status, 'error');
  assert.deepEqual(out.script.statements.map((s) => s.status), ['done', 'done', 'error']);
  assert.equal(out.script.statements[1].rows, 5000);
  assert.equal(out.script.statements[2].error.code, '42703');
  assert.equal(out.rows.rows.length, 10);
  assert.deepEqual(out.rows.rows[9], ['5000', 'row 5000']);
  assert.equal(out.exported.rows, 5000);
  const csv = readFileSync(join(dataDir, 'export.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 5001);
  assert.equal(csv[0], 'g,label');
  assert.deepEqual(out.count.rows[0], ['5000']);
  assert.equal(out.historyLength, 1);
});

test('an export reports progress and can be cancelled, leaving no partial file', async () => {
  const { page, url, dataDir } = app;
  const { cluster } = pg;
  await page.goto(url);
  await page.getByTestId('data-dir').waitFor();
  const out = await page.evaluate(
    async ({ c, exportPath }) => {
      const App = window.go.main.App;
      const saved = await App.SaveConnection({
        config: { name: 'e2e export', host: c.host, port: c.port, database: c.database, user: c.trustUser, sslMode: 'disable',
          options: { connectTimeoutMs: 10000, applicationName: 'Tusk e2e' } },
        password: '', remember: false,
      });
      await App.Connect({ id: saved.id });
      const done = new Promise((resolve) => {
        const off = window.runtime.EventsOn('query:done', (s) => (off(), resolve(s)));
      });
      await App.Execute({ sessionId: 'export-tab', connectionId: saved.id, sql: "select g, repeat('x', 200) as pad from generate_series(1, 2000000) g" });
      const sum = await done;
      const progress = [];
      const offP = window.runtime.EventsOn('export:progress', (p) => {
        progress.push(p);
        if (progress.length === 1) App.CancelExport({ exportId: 'exp-1' });
      });
      let error = null;
      try {
        await App.ExportResultToFile({ queryId: sum.queryId, statement: 0, format: 'csv', path: exportPath, exportId: 'exp-1' });
      } catch (e) {
        error = JSON.parse(e.message);
      }
      offP();
      return { progress, error };
    },
    { c: cluster, exportPath: join(dataDir, 'big.csv') },
  );
  assert.ok(out.progress.length >= 1, 'no export:progress event');
  assert.ok(out.progress[0].bytes > 0 && out.progress[0].dataBytes > out.progress[0].bytes);
  assert.equal(out.error?.kind, 'cancelled');
  assert.throws(() => readFileSync(join(dataDir, 'big.csv')), /ENOENT/);
});
