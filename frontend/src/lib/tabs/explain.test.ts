import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return {
    ...original,
    api: {
      explainOptions: vi.fn(),
      prepareExplain: vi.fn(),
      explain: vi.fn().mockResolvedValue({}),
      queryPlan: vi.fn(),
    },
  };
});

import { api } from '../api';
import { EditorTab, Workspace, type RunRequest } from './workspace.svelte';

const prepare = vi.mocked(api.prepareExplain);
const explain = vi.mocked(api.explain);
const support = { server: { major: 15 }, options: [] } as never;
const req: RunRequest = { mode: 'statement', sql: 'delete from t where id = 1', offset: 0, cursor: 3 } as RunRequest;
const info = (changesData: boolean) => ({ statement: req.sql, start: 0, end: req.sql.length, kind: 'delete', rollsBack: true, changesData, sql: `EXPLAIN (FORMAT JSON, ANALYZE) ${req.sql}`, options: [] }) as never;
const choice = (analyze: boolean) => ({ analyze, choose: () => ({ options: ['BUFFERS'], off: [] }) });

function setup(answer: boolean) {
  const ws = new Workspace({ isOpen: () => true, open: async () => true });
  const asked = vi.fn(async () => answer);
  ws.questions = { dangerous: async () => true, analyze: asked };
  const tab = new EditorTab({ title: 'Query 1', connectionId: 'c1', sql: req.sql });
  vi.mocked(api.explainOptions).mockResolvedValue(support);
  return { ws, tab, asked };
}

beforeEach(() => {
  prepare.mockReset();
  explain.mockClear();
});

describe('Explain Analyze of a statement that changes data', () => {
  it('asks first; declined, nothing runs', async () => {
    const { ws, tab, asked } = setup(false);
    prepare.mockResolvedValue(info(true));
    await ws.explain(tab, req, choice(true));
    expect(asked).toHaveBeenCalledOnce();
    expect(explain).not.toHaveBeenCalled();
    expect(tab.running).toBe(false);
  });

  it('accepted, it runs with the chosen options, and the tab does not ask again', async () => {
    const { ws, tab, asked } = setup(true);
    prepare.mockResolvedValue(info(true));
    await ws.explain(tab, req, choice(true));
    expect(explain).toHaveBeenCalledOnce();
    expect(explain.mock.calls[0]![0]).toMatchObject({ sessionId: tab.id, connectionId: 'c1', sql: req.sql, cursor: 3, analyze: true, options: ['BUFFERS'] });
    expect(tab.plans.loading).toBe(true);
    // The Explain command's run: its one result is the plan's JSON, which the plan tab shows instead.
    expect(tab.plans.explainRun).toBe(tab.queryId);
    expect(tab.queryId).toBeTruthy();
    tab.started('another');
    expect(tab.plans.explainRun).toBeNull();
    tab.running = false;
    await ws.explain(tab, req, choice(true));
    expect(asked).toHaveBeenCalledOnce();
    expect(explain).toHaveBeenCalledTimes(2);
  });

  it('a plain Explain, or a statement that changes nothing, asks nothing', async () => {
    const { ws, tab, asked } = setup(false);
    prepare.mockResolvedValue(info(false));
    await ws.explain(tab, req, choice(true));
    tab.running = false;
    prepare.mockResolvedValue(info(true));
    await ws.explain(tab, req, choice(false));
    expect(asked).not.toHaveBeenCalled();
    expect(explain).toHaveBeenCalledTimes(2);
  });
});
