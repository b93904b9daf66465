// Starts the real app with `wails dev` (under the Xvfb display the caller
// provides) and a headless Debian Chromium driven by playwright-core.
// Everything started here is stopped by stop(), also when a test fails.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const resultsDir = join(repoRoot, 'test-results', 'e2e');

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitFor(what, fn, timeoutMs, isDead) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (isDead()) throw new Error(`${what}: the app exited early`);
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${last ? ` (${last.message})` : ''}`);
}

/**
 * startApp launches `go tool wails dev` in its own process group with a fresh
 * data directory and returns { url, dataDir, page, stop, log }.
 */
export async function startApp({ timeoutMs = 240_000, env = {} } = {}) {
  if (!process.env.DISPLAY) throw new Error('DISPLAY is not set: run the e2e tests under xvfb-run');
  mkdirSync(resultsDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'tusk-e2e-'));
  const dataDir = join(work, 'data');
  const devPort = await freePort();
  const vitePort = await freePort();
  const logPath = join(resultsDir, `wails-dev-${devPort}.log`);
  const logStream = createWriteStream(logPath);
  const tags = process.platform === 'linux' ? 'webkit2_41 sqlite_fts5' : 'sqlite_fts5';

  const app = spawn(
    'go',
    ['tool', 'wails', 'dev', '-s', '-m', '-noreload', '-nocolour', '-tags', tags, '-devserver', `127.0.0.1:${devPort}`],
    {
      cwd: repoRoot,
      detached: true, // own process group: stop() kills WebKit children too
      env: { ...process.env, TUSK_DATA_DIR: dataDir, TUSK_VITE_PORT: String(vitePort), BROWSER: 'none', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let exited = false;
  app.on('exit', () => (exited = true));
  app.stdout.pipe(logStream);
  app.stderr.pipe(logStream);

  const url = `http://127.0.0.1:${devPort}/`;
  let browser;
  const stop = async () => {
    if (browser) await browser.close().catch(() => {});
    if (!exited) {
      try {
        process.kill(-app.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + 5000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    }
    try {
      process.kill(-app.pid, 'SIGKILL'); // stragglers in the group (WebKit helpers)
    } catch {
      /* none left */
    }
    logStream.end();
    rmSync(work, { recursive: true, force: true });
  };

  try {
    await waitFor(
      'wails dev',
      async () => {
        const log = readFileSync(logPath, 'utf8');
        if (log.includes('panic:')) throw new Error('the app panicked; see ' + logPath);
        const res = await fetch(url);
        return res.ok && (await res.text()).includes('/wails/ipc.js');
      },
      timeoutMs,
      () => exited,
    );
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      headless: true,
    });
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    // A loaded machine (parallel builds) can be slow; CI is quiet.
    page.setDefaultTimeout(Number(process.env.TUSK_E2E_TIMEOUT ?? 30_000));
    return { url, dataDir, page, stop, logPath };
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n--- wails dev log (${logPath}) ---\n${readFileSync(logPath, 'utf8').slice(-4000)}`);
  }
}

/**
 * startPostgres starts a throwaway PostgreSQL cluster with the Go test
 * harness (backend/internal/pgtest, TLS + scram user) and returns its
 * description (cluster.json) plus stop().
 */
export function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-e2e-pg-'));
  const pgtestd = (verb) =>
    execFileSync('go', ['run', './backend/internal/pgtest/cmd/pgtestd', verb, dir], { cwd: repoRoot, stdio: 'pipe' });
  pgtestd('start');
  const cluster = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8'));
  const stop = () => {
    try {
      pgtestd('stop');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  /** Runs SQL through psql as the trust user (a session of its own, not the app's); returns its output. */
  const psql = (sql) =>
    execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', cluster.host, '-p', String(cluster.port), '-U', cluster.trustUser, '-d', cluster.database, '-c', sql], {
      encoding: 'utf8',
      env: { ...process.env, PGSSLMODE: 'disable', PGCONNECT_TIMEOUT: '10' },
    }).trim();
  return { cluster, stop, psql };
}

/** typeSQL replaces the text of the active tab's editor with sql. */
export async function typeSQL(page, sql) {
  await page.locator('[data-testid="editor"] .cm-content').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
}

/** commitEdits commits a grid's pending edits with Ctrl+S (the review first, then Commit) and waits until no cell is marked. */
export async function commitEdits(page) {
  await page.getByTestId('grid').focus();
  await page.keyboard.press('Control+s');
  await page.getByTestId('review-commit').click();
  await page.getByTestId('data-pending').waitFor({ state: 'detached' });
  await page.waitForFunction(() => !document.querySelector('[data-testid="grid-cell"][data-mark]'));
}
