import { describe, expect, it, vi, beforeEach } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return { ...original, api: { checkSafety: vi.fn(), execute: vi.fn().mockResolvedValue(undefined), history: vi.fn() } };
});

import { api } from '../api';
import { EditorTab, Workspace, type RunRequest } from './workspace.svelte';

const checkSafety = vi.mocked(api.checkSafety);
const execute = vi.mocked(api.execute);

const sql = 'select 1;\ndelete from t;';
const danger = { statement: 1, hazard: 'delete-without-where', target: 't', message: 'DELETE without WHERE deletes every row of t', start: 10, end: 23 };
const guard = (action: string) => ({ mode: action === 'run' ? 'off' : action, action, dangers: action === 'run' ? [] : [danger], marker: { name: '', color: '' }, manualCommit: false }) as never;
const script: RunRequest = { mode: 'script', sql, offset: 0 } as RunRequest;

function setup(answer: boolean) {
  const ws = new Workspace({ isOpen: () => true, open: async () => true });
  const asked = vi.fn(async () => answer);
  ws.questions = { dangerous: asked, analyze: async () => true };
  const tab = new EditorTab({ title: 'Query 1', connectionId: 'c1', sql });
  return { ws, tab, asked };
}

beforeEach(() => {
  checkSafety.mockReset();
  execute.mockClear();
});

describe('safe mode before a run', () => {
  it('block: nothing runs; the tab says which statement and marks it', async () => {
    const { ws, tab, asked } = setup(true);
    checkSafety.mockResolvedValueOnce(guard('block'));
    await ws.run(tab, script);
    expect(execute).not.toHaveBeenCalled();
    expect(asked).not.toHaveBeenCalled();
    expect(tab.banners.at(-1)?.info.title).toBe('Blocked by safe mode');
    expect(tab.banners.at(-1)?.info.message).toMatch(/statement 2: DELETE without WHERE/);
    expect(tab.dangerMarks).toEqual([{ from: 10, to: 23, message: danger.message }]);
  });

  it('confirm, declined: nothing runs and the marks stay', async () => {
    const { ws, tab, asked } = setup(false);
    checkSafety.mockResolvedValueOnce(guard('confirm'));
    await ws.run(tab, script);
    expect(asked).toHaveBeenCalledOnce();
    expect(execute).not.toHaveBeenCalled();
    expect(tab.running).toBe(false);
    expect(tab.dangerMarks).toHaveLength(1);
  });

  it('confirm, accepted: runs with confirmDangerous', async () => {
    const { ws, tab } = setup(true);
    checkSafety.mockResolvedValueOnce(guard('confirm'));
    await ws.run(tab, script);
    expect(execute).toHaveBeenCalledOnce();
    expect(execute.mock.calls[0]![0]).toMatchObject({ sql, connectionId: 'c1', sessionId: tab.id, confirmDangerous: true });
    expect(tab.dangerMarks).toEqual([]); // cleared when the run started
  });

  it('safe mode off on the open connection: no check, the run goes straight to Execute', async () => {
    const ws = new Workspace({ isOpen: () => true, open: async () => true, safeMode: () => 'off' });
    const tab = new EditorTab({ title: 'Query 1', connectionId: 'c1', sql });
    await ws.run(tab, script);
    expect(checkSafety).not.toHaveBeenCalled();
    expect(execute.mock.calls[0]![0]).toMatchObject({ sql, confirmDangerous: false });
  });

  it('safe mode unknown or on: the check comes first', async () => {
    for (const mode of [undefined, 'confirm', 'block']) {
      checkSafety.mockReset();
      checkSafety.mockResolvedValueOnce(guard('run'));
      const ws = new Workspace({ isOpen: () => true, open: async () => true, safeMode: () => mode });
      await ws.run(new EditorTab({ title: 'Query 1', connectionId: 'c1', sql }), script);
      expect(checkSafety, String(mode)).toHaveBeenCalledOnce();
    }
  });

  it('run: no question', async () => {
    const { ws, tab, asked } = setup(false);
    checkSafety.mockResolvedValueOnce(guard('run'));
    await ws.run(tab, script);
    expect(asked).not.toHaveBeenCalled();
    expect(execute.mock.calls[0]![0]).toMatchObject({ confirmDangerous: false });
  });
});

describe('markDangers', () => {
  it('marks what safe mode would refuse, unless the text changed meanwhile', async () => {
    const { ws, tab } = setup(true);
    checkSafety.mockResolvedValueOnce(guard('confirm'));
    await ws.markDangers(tab);
    expect(checkSafety).toHaveBeenCalledWith({ sessionId: tab.id, connectionId: 'c1', sql, offset: 0 });
    expect(tab.dangerMarks).toHaveLength(1);

    let edit!: () => void;
    checkSafety.mockImplementationOnce(() => new Promise((resolve) => (edit = () => ((tab.sql = 'select 2;'), resolve(guard('run'))))));
    const pending = ws.markDangers(tab);
    edit();
    await pending;
    expect(tab.dangerMarks).toHaveLength(1); // the reply was for the old text
  });

  it('asks nothing for a closed connection', async () => {
    const ws = new Workspace({ isOpen: () => false, open: async () => true });
    const tab = new EditorTab({ title: 'Query 1', connectionId: 'c1', sql });
    await ws.markDangers(tab);
    expect(checkSafety).not.toHaveBeenCalled();
  });
});

describe('a run being prepared', () => {
  it('a second Run while the first is still being checked starts nothing', async () => {
    const { ws, tab } = setup(true);
    let answer!: (g: never) => void;
    checkSafety.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const first = ws.run(tab, script);
    const second = ws.run(tab, script); // Ctrl+Enter pressed twice
    await Promise.resolve();
    answer(guard('run'));
    await Promise.all([first, second]);
    expect(checkSafety).toHaveBeenCalledOnce();
    expect(execute).toHaveBeenCalledOnce();
    // Once the first run is under way, the tab takes new runs again after it ends.
    expect(tab.running).toBe(true);
  });
});
