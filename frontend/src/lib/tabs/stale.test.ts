import { describe, expect, it } from 'vitest';
import { EditorTab } from './workspace.svelte';
import type { query } from '../../../wailsjs/go/models';

const cols = [{ name: 'n', typeName: 'int4', typeOid: 23 }];

function rows(tab: EditorTab, queryId: string, n = 3): void {
  tab.progressed({ queryId, statement: 0, statements: 1, columns: cols, rows: n, elapsedMs: 1, firstPage: { offset: 0, rows: [['1']], total: n, done: false } } as never);
}

function done(tab: EditorTab, queryId: string, statement: Partial<query.StatementResult>): void {
  tab.finished({ queryId, status: statement.status ?? 'done', durationMs: 2, statements: [{ index: 0, rows: 0, status: 'done', ...statement }] } as never);
}

describe('a re-run keeps the previous rows until its own arrive', () => {
  it('shows the last run’s rows, marked stale, until the new run’s first page', () => {
    const tab = new EditorTab({ title: 'Query 1', connectionId: 'c1', sql: 'select 1' });
    tab.started('q1');
    expect(tab.stale).toBe(false); // nothing to keep on a first run
    rows(tab, 'q1');
    done(tab, 'q1', { columns: cols as never, rows: 3 });

    tab.started('q2');
    expect(tab.stale).toBe(true);
    expect(tab.sourceFor(0)?.queryId).toBe('q1');
    // A statement without rows (a script's SET) does not replace them yet.
    tab.progressed({ queryId: 'q2', statement: 0, statements: 2, columns: [], rows: 0, elapsedMs: 1 } as never);
    expect(tab.sourceFor(0)?.queryId).toBe('q1');
    rows(tab, 'q2');
    expect(tab.stale).toBe(false);
    expect(tab.sourceFor(0)?.queryId).toBe('q2');
  });

  it('drops them when the run ends without rows, fails or is cancelled before any', () => {
    const tab = new EditorTab({ title: 'Query 1', connectionId: 'c1', sql: 'select 1' });
    const rerun = (id: string) => {
      tab.started(id);
      rows(tab, id);
      done(tab, id, { columns: cols as never, rows: 3 });
      tab.started(`${id}-again`);
      expect(tab.sourceFor(0)?.queryId).toBe(id);
    };

    rerun('update');
    done(tab, 'update-again', { commandTag: 'UPDATE 3', rows: 3 });
    expect([tab.stale, tab.sourceFor(0)]).toEqual([false, undefined]);

    rerun('fail');
    tab.failed({ kind: 'connection', title: 'Not run', message: 'the server closed the connection' } as never);
    expect([tab.stale, tab.sourceFor(0)]).toEqual([false, undefined]);

    rerun('cancel');
    done(tab, 'cancel-again', { status: 'cancelled' });
    expect([tab.stale, tab.sourceFor(0)]).toEqual([false, undefined]);
    expect(tab.outcome?.message).toMatch(/^Cancelled after/);
  });
});
