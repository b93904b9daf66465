import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (payload: unknown) => void;
const handlers = new Map<string, Set<Handler>>();
const uiState = new Map<string, unknown>();

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return {
    ...original,
    api: {
      poolStatuses: vi.fn().mockResolvedValue([]),
      getUIState: vi.fn(async (key: string) => uiState.get(key) ?? null),
      setUIState: vi.fn(async (key: string, value: unknown) => void uiState.set(key, value)),
    },
    on: (name: string, h: Handler) => {
      if (!handlers.has(name)) handlers.set(name, new Set());
      handlers.get(name)!.add(h);
      return () => handlers.get(name)!.delete(h);
    },
  };
});

import { PoolerMode, ReadOnlyState, SettingsPath, WaitReason } from '../api';
import PoolerNotice from './PoolerNotice.svelte';
import PoolerStatus from './PoolerStatus.svelte';
import { Pools } from './pools.svelte';
import StatusBar from './StatusBar.svelte';

const emit = (name: string, payload: unknown) => {
  handlers.get(name)?.forEach((h) => h(payload));
  flushSync();
};
const listening = () => [...handlers.values()].reduce((n, s) => n + s.size, 0);
const settle = () => new Promise((r) => setTimeout(r, 0));

const txRoute = {
  pooler: true,
  poolerName: 'PgBouncer',
  poolerMode: PoolerMode.Transaction,
  sessionStateKept: false,
  notice: 'SET, temporary tables and PREPARE do not persist between runs.',
  settings: SettingsPath.PerTransaction,
  readOnly: ReadOnlyState.Off,
};
const done = (queryId: string, connectionId: string, sessionStateLost = false) => ({
  queryId,
  connectionId,
  statements: [{ index: 0, sessionStateLost }],
});

beforeEach(() => {
  handlers.clear();
  uiState.clear();
});

describe('PoolerNotice', () => {
  it('shows a wait for the pooler with Cancel, and clears it when the wait or the query ends', () => {
    const oncancel = vi.fn();
    const { unmount } = render(PoolerNotice, { connectionId: 'c1', route: undefined, queryId: 'q1', oncancel });
    expect(screen.queryByTestId('pooler-waiting')).toBeNull();

    emit('query:progress', { queryId: 'q1', waiting: WaitReason.Pooler });
    expect(screen.getByTestId('pooler-waiting')).toHaveTextContent('connection pooler');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(oncancel).toHaveBeenCalledOnce();

    emit('query:progress', { queryId: 'q1', waiting: WaitReason.NotWaiting });
    expect(screen.queryByTestId('pooler-waiting')).toBeNull();

    emit('query:progress', { queryId: 'q1', waiting: WaitReason.Pool });
    expect(screen.getByTestId('pooler-waiting')).toHaveTextContent('other tabs');
    emit('query:progress', { queryId: 'other', waiting: WaitReason.Pooler });
    expect(screen.getByTestId('pooler-waiting')).toHaveTextContent('other tabs');
    emit('query:error', done('q1', 'c1'));
    expect(screen.queryByTestId('pooler-waiting')).toBeNull();

    unmount();
    expect(listening()).toBe(0);
  });

  it('tells about transaction mode once: dismissed stays dismissed, also after a restart', async () => {
    const first = render(PoolerNotice, { connectionId: 'c1', route: txRoute, oncancel: () => {} });
    await settle();
    expect(screen.getByTestId('pooler-notice')).toHaveTextContent('do not persist between runs');
    fireEvent.click(screen.getByTestId('banner-close'));
    flushSync();
    expect(screen.queryByTestId('pooler-notice')).toBeNull();
    expect(uiState.get('pooler.dismissedNotices')).toEqual(['c1']);
    first.unmount();

    // Another connection in transaction mode still gets its notice; c1 does
    // not, even once the dismissals are read back from the UI state.
    const { PoolerWatch } = await import('./poolerWatch.svelte');
    const fresh = new PoolerWatch();
    const stop = fresh.start();
    await settle();
    expect(fresh.dismissed).toEqual({ c1: true });
    stop();

    render(PoolerNotice, { connectionId: 'c2', route: txRoute, oncancel: () => {} });
    await settle();
    expect(screen.getByTestId('pooler-notice')).toBeInTheDocument();
  });

  it('tells when a run changed session state before the mode was known; not in session mode', async () => {
    const route = { ...txRoute, poolerMode: PoolerMode.Session, sessionStateKept: true, notice: '' };
    render(PoolerNotice, { connectionId: 'c3', route, oncancel: () => {} });
    await settle();
    expect(screen.queryByTestId('pooler-notice')).toBeNull();
    emit('query:done', done('q2', 'c3', false));
    expect(screen.queryByTestId('pooler-notice')).toBeNull();
    emit('query:done', done('q3', 'c3', true));
    expect(screen.getByTestId('pooler-notice')).toHaveTextContent('PREPARE');
  });

  it('says why a read-only connection is not enforced, without a way to dismiss it', () => {
    const route = { ...txRoute, poolerMode: PoolerMode.Session, sessionStateKept: true, readOnly: ReadOnlyState.Unverified, readOnlyProblem: 'the pooler ignores default_transaction_read_only' };
    render(PoolerNotice, { connectionId: 'c4', route, oncancel: () => {} });
    const banner = screen.getByTestId('pooler-readonly');
    expect(banner).toHaveTextContent('the pooler ignores default_transaction_read_only');
    expect(banner.querySelector('[data-testid="banner-close"]')).toBeNull();
  });
});

describe('PoolerStatus', () => {
  it('names the pooler and mode in the status bar, and the wait of the running query', () => {
    const pools = new Pools();
    pools.apply({ connectionId: 'c1', maxSize: 4, size: 1, available: 1, waiting: 0, closed: false, poolerWaiting: 0, route: txRoute } as never);
    const connection = { id: 'c1', name: 'prod', database: 'app', user: 'u', host: 'h', port: 6432 } as never;
    const tab = { running: true, queryId: 'q9', startedAt: 0, summary: null } as never;
    render(StatusBar, { pools, connection, tab });
    const badge = screen.getByTestId('status-pooler');
    expect(badge).toHaveTextContent('via PgBouncer, transaction mode');
    expect(badge.title).toMatch(/process ID/);
    expect(screen.queryByTestId('status-waiting')).toBeNull();
    emit('query:progress', { queryId: 'q9', waiting: WaitReason.Pooler });
    expect(screen.getByTestId('status-waiting')).toHaveTextContent('Waiting for the connection pooler');
  });

  it('says nothing for a direct connection', () => {
    render(PoolerStatus, { route: { ...txRoute, pooler: false, poolerMode: PoolerMode.NoPooler, notice: '' } as never });
    expect(screen.queryByTestId('status-pooler')).toBeNull();
    expect(screen.queryByTestId('status-readonly')).toBeNull();
  });
});
