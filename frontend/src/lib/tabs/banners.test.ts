import { describe, expect, it } from 'vitest';
import { EditorTab } from './workspace.svelte';
import type { query } from '../../../wailsjs/go/models';

describe('a tab’s banners', () => {
  it('a lost session’s banner stays until the next run starts, then goes', () => {
    const tab = new EditorTab({ title: 'Query 1', connectionId: 'c1', sql: 'select 1' });
    tab.addBanner({ source: 'export', severity: 'info', info: { kind: 'cancelled', title: 'Export done', message: 'ok' } as never });
    tab.sessionLost({ sessionId: 's', cause: 'terminated', lost: ['an open transaction', 'temporary tables: scratch'] } as unknown as query.SessionLost);
    expect(tab.banners.map((b) => b.info.title)).toEqual(['Export done', 'Session ended']);
    expect(tab.banners[1]?.info.message).toMatch(/an open transaction; temporary tables: scratch/);
    tab.started('q2');
    expect(tab.banners.map((b) => b.info.title)).toEqual(['Export done']);
  });
});
