import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';

type Handler = (payload: unknown) => void;
const handlers = new Map<string, Handler>();

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return {
    ...original,
    api: { poolStatuses: vi.fn().mockResolvedValue([]), connectionStates: vi.fn().mockResolvedValue([]), stopReconnect: vi.fn().mockResolvedValue(true) },
    on: (name: string, h: Handler) => {
      handlers.set(name, h);
      return () => handlers.delete(name);
    },
  };
});

import { Pools } from './pools.svelte';
import StatusBar from './StatusBar.svelte';

const status = (id: string, size: number, available: number, waiting = 0, closed = false) => ({
  connectionId: id,
  maxSize: 4,
  size,
  available,
  waiting,
  closed,
});

describe('StatusBar', () => {
  it('follows pool:status events and drops closed or lost pools', async () => {
    const pools = new Pools();
    const stop = pools.start();
    render(StatusBar, { pools });
    expect(screen.getByTestId('status-bar')).toHaveTextContent('Not connected');

    handlers.get('pool:status')!(status('b', 2, 1));
    handlers.get('pool:status')!(status('a', 3, 0, 2));
    flushSync();
    const items = screen.getAllByTestId('pool-status');
    expect(items.map((e) => e.dataset.connectionId)).toEqual(['a', 'b']);
    expect(items[0]).toHaveTextContent('3 in use · 3 open · max 4');
    expect(items[0]).toHaveTextContent('2 waiting');
    expect(items[1]).toHaveTextContent('1 in use · 2 open · max 4');
    // The figures explain themselves on hover.
    expect(items[0]).toHaveAttribute('title', expect.stringMatching(/^Connection pool of .*: 3 of 3 open connections in use \(at most 4\);.* 2 waiting for a free connection\.$/));
    expect(items[1]!.title).toMatch(/1 of 2 open connections in use \(at most 4\)/);

    handlers.get('pool:status')!(status('a', 0, 0, 0, true));
    handlers.get('pool:status')!(status('b', 0, 0, 0, true));
    flushSync();
    expect(screen.queryAllByTestId('pool-status')).toHaveLength(0);
    stop();
    expect(handlers.size).toBe(0);
  });

  it('shows a connection whose server stopped answering as reconnecting, then lost with Reconnect', async () => {
    const { api } = await import('../api');
    const pools = new Pools();
    const stop = pools.start();
    const onreconnect = vi.fn();
    render(StatusBar, { pools, onreconnect, nameOf: (id: string) => `db ${id}` });
    handlers.get('pool:status')!(status('a', 1, 1));
    const error = { kind: 'connection', reason: 'lost', title: 'Connection lost', message: 'the server closed the connection', hint: 'check the server' };
    handlers.get('connection:lost')!({ connectionId: 'a', error });
    handlers.get('connection:state')!({ connectionId: 'a', state: 'reconnecting', attempt: 2, nextRetryMs: 2000, error });
    flushSync();
    // The pool stays while Tusk reconnects.
    expect(screen.getByTestId('pool-status')).toHaveTextContent('reconnecting (attempt 3, next in 2 s)');
    screen.getByTestId('stop-reconnect').click();
    expect(api.stopReconnect).toHaveBeenCalledWith('a');

    handlers.get('connection:state')!({ connectionId: 'a', state: 'stopped', attempt: 0, nextRetryMs: 0 });
    handlers.get('pool:status')!(status('a', 0, 0, 0, true));
    flushSync();
    expect(screen.queryByTestId('pool-status')).toBeNull();
    expect(screen.getByTestId('connection-lost')).toHaveTextContent('db a');
    expect(screen.getByTestId('connection-lost')).toHaveTextContent('reconnecting stopped');
    screen.getByTestId('reconnect').click();
    expect(onreconnect).toHaveBeenCalledWith('a');

    // Connected again: nothing is left of the trouble.
    handlers.get('connection:state')!({ connectionId: 'a', state: 'connected', attempt: 0, nextRetryMs: 0 });
    handlers.get('pool:status')!(status('a', 1, 1));
    flushSync();
    expect(screen.queryByTestId('connection-lost')).toBeNull();
    expect(screen.queryByTestId('reconnecting')).toBeNull();
    stop();
  });
});
