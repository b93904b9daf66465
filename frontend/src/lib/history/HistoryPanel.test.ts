import { render, screen, fireEvent } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return { ...original, api: { history: vi.fn(), clearHistory: vi.fn() } };
});

import { api } from '../api';
import HistoryPanel from './HistoryPanel.svelte';

const mocked = vi.mocked(api);
const entry = (id: number, sql: string, extra = {}) => ({ id, sql, durationMs: 3, rowCount: 1, executedAt: '', ...extra });

describe('HistoryPanel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.resetAllMocks();
    mocked.history.mockResolvedValue([entry(1, 'select 1'), entry(2, 'select nope', { errorMessage: 'column "nope" does not exist', errorCode: '42703' })] as never);
  });

  it('searches as you type, filters by connection, and opens or re-runs an entry', async () => {
    const onopen = vi.fn();
    const onrun = vi.fn();
    render(HistoryPanel, { connectionId: 'c1', onopen, onrun });
    await vi.advanceTimersByTimeAsync(200);
    expect(mocked.history).toHaveBeenLastCalledWith({ search: '', filter: { limit: 200 } });

    await fireEvent.input(screen.getByTestId('history-search'), { target: { value: 'sel' } });
    await vi.advanceTimersByTimeAsync(50);
    await fireEvent.input(screen.getByTestId('history-search'), { target: { value: 'select' } });
    await vi.advanceTimersByTimeAsync(200);
    // Debounced: only the last text is searched.
    expect(mocked.history).not.toHaveBeenCalledWith({ search: 'sel', filter: { limit: 200 } });
    expect(mocked.history).toHaveBeenLastCalledWith({ search: 'select', filter: { limit: 200 } });

    await fireEvent.click(screen.getByLabelText('This connection only'));
    await vi.advanceTimersByTimeAsync(200);
    expect(mocked.history).toHaveBeenLastCalledWith({ search: 'select', filter: { connectionId: 'c1', limit: 200 } });

    const items = screen.getAllByTestId('history-item');
    expect(items).toHaveLength(2);
    expect(items[1]).toHaveTextContent('42703');
    await fireEvent.click(screen.getByText('select 1'));
    expect(onopen).toHaveBeenCalledWith('select 1', null);
    await fireEvent.click(screen.getAllByTestId('history-rerun')[1]!);
    expect(onrun).toHaveBeenCalledWith('select nope', null);
  });
});
