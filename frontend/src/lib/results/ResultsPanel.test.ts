import { render, screen, fireEvent } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { query, resultset } from '../../../wailsjs/go/models';
import ResultsPanel from './ResultsPanel.svelte';
import type { RowSource } from './grid.svelte';

const cols = [{ name: 'n', typeOid: 23, typeName: 'integer', typeCategory: 'N' }];
const source: RowSource = {
  total: 3,
  done: true,
  columns: cols,
  page: async (offset) => ({ offset, rows: [['1'], ['2'], ['3']], total: 3, done: true }) as unknown as resultset.Page,
};

function st(index: number, over: Partial<query.StatementResult>): query.StatementResult {
  return { index, start: 0, end: 0, kind: 'select', sql: 'select', columns: [], rows: 0, commandTag: '', notices: [], durationMs: 1.5, status: 'done', errorOffset: -1, ...over } as query.StatementResult;
}

describe('ResultsPanel', () => {
  it('shows result tabs, messages and export', async () => {
    const onexport = vi.fn();
    const summary = {
      queryId: 'q', status: 'cancelled', durationMs: 12,
      statements: [
        st(0, { commandTag: 'INSERT 0 5', rows: 5, notices: [{ severity: 'NOTICE', code: '00000', message: 'hello' }] }),
        st(1, { columns: cols, rows: 3, status: 'cancelled', commandTag: 'SELECT 3' }),
        st(2, { status: 'error', error: { kind: 'sql', title: 'SQL error', message: 'boom', hint: 'try again' } as never }),
      ],
    } as unknown as query.Summary;
    render(ResultsPanel, { summary, running: false, sourceFor: () => source, onexport, viewportHeight: 200 });
    // A failed statement comes forward: the Messages tab, with the error counted on it.
    expect(screen.getByTestId('messages-tab')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('messages-errors')).toHaveTextContent('1 error');
    expect(screen.getAllByTestId('result-tab')).toHaveLength(1);
    expect(screen.getByTestId('partial')).toHaveTextContent('partial (cancelled)');
    await fireEvent.click(screen.getAllByTestId('result-tab')[0]!);
    expect(await screen.findByTestId('grid')).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('export-csv'));
    expect(onexport).toHaveBeenCalledWith(1, 'csv');

    await fireEvent.click(screen.getByTestId('messages-tab'));
    const msgs = screen.getAllByTestId('message');
    expect(msgs).toHaveLength(3);
    expect(msgs[0]).toHaveTextContent('INSERT 0 5');
    expect(msgs[0]).toHaveTextContent('5 rows affected');
    expect(screen.getByTestId('notice')).toHaveTextContent('NOTICE hello');
    expect(screen.getByTestId('message-error')).toHaveTextContent('boom');
    expect(screen.getByTestId('message-error')).toHaveTextContent('try again');
  });

  it('counts one row in the singular', async () => {
    const summary = { queryId: 'q', status: 'done', durationMs: 3, statements: [st(0, { commandTag: 'UPDATE 1', rows: 1 }), st(1, { columns: cols, rows: 1, commandTag: 'SELECT 1' })] } as unknown as query.Summary;
    render(ResultsPanel, { summary, running: false, sourceFor: () => source, viewportHeight: 200 });
    await fireEvent.click(screen.getByTestId('messages-tab'));
    const msgs = screen.getAllByTestId('message');
    expect(msgs[0]).toHaveTextContent('1 row affected');
    expect(msgs[1]).toHaveTextContent('1 row returned');
  });

  it('marks the rows kept from a statement whose connection was lost as partial', () => {
    const error = { kind: 'connection', reason: 'lost', title: 'Connection lost', message: 'the server closed the connection', hint: 'The 4000 rows received before the failure are kept; the result is incomplete.' };
    const summary = { queryId: 'q', status: 'error', durationMs: 900, statements: [st(0, { columns: cols, rows: 4000, status: 'error', partial: true, error: error as never })] } as unknown as query.Summary;
    render(ResultsPanel, { summary, running: false, sourceFor: () => source, viewportHeight: 200 });
    expect(screen.getByTestId('partial')).toHaveTextContent('partial (connection lost)');
    expect(screen.getByTestId('message')).toHaveTextContent('4,000 rows kept');
    expect(screen.getByTestId('message-error')).toHaveTextContent('the server closed the connection');
  });

  it('says how a cancelled run ended as information, not as an error', () => {
    const summary = { queryId: 'q', status: 'cancelled', durationMs: 1200, statements: [st(0, { columns: cols, rows: 4000, status: 'cancelled', error: { kind: 'cancelled', title: 'Cancelled', message: 'the statement was cancelled' } as never })] } as unknown as query.Summary;
    render(ResultsPanel, { summary, running: false, sourceFor: () => source, outcome: { message: 'Cancelled after 1.2 s, 4,000 rows kept' }, viewportHeight: 200 });
    expect(screen.getByTestId('outcome')).toHaveTextContent('Cancelled after 1.2 s, 4,000 rows kept');
    expect(screen.queryByTestId('messages-errors')).toBeNull();
    expect(screen.getByTestId('result-tab')).toHaveAttribute('aria-selected', 'true');
  });

  it('keeps the last run’s rows inert while a re-run has none yet, and counts none of them', () => {
    render(ResultsPanel, { summary: null, running: true, stale: true, sourceFor: (i: number) => (i === 0 ? source : undefined) });
    const pane = screen.getByTestId('grid').closest('[data-stale]');
    expect(pane).not.toBeNull();
    expect((pane as HTMLElement).inert || pane?.hasAttribute('inert')).toBe(true); // jsdom has the property, not its attribute
    expect(screen.getByTestId('progress')).toHaveTextContent('Running… 0 rows');
  });

  it('shows progress while running', async () => {
    vi.useFakeTimers();
    try {
      render(ResultsPanel, { summary: null, running: true, sourceFor: (i: number) => (i === 0 ? source : undefined), statementProgress: { statement: 2, statements: 7 } });
      expect(screen.getByTestId('progress')).toHaveTextContent('3 rows');
      expect(screen.getByTestId('statement-progress')).toHaveTextContent('Statement 3 of 7');
      expect(screen.getAllByTestId('result-tab')).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
