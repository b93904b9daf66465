import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';

type Handler = (payload: unknown) => void;
const handlers = new Map<string, Handler>();

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return {
    ...original,
    api: { poolStatuses: vi.fn().mockResolvedValue([]) },
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

    handlers.get('pool:status')!(status('a', 0, 0, 0, true));
    handlers.get('connection:lost')!({ connectionId: 'b', error: {} });
    flushSync();
    expect(screen.queryAllByTestId('pool-status')).toHaveLength(0);
    stop();
    expect(handlers.size).toBe(0);
  });
});
