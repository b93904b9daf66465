import { beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (payload: unknown) => void;
const handlers = new Map<string, Handler>();
const offs: string[] = [];

vi.mock('../api', () => ({
  on: vi.fn((name: string, h: Handler) => {
    handlers.set(name, h);
    return () => offs.push(name);
  }),
  api: {
    nativeReady: vi.fn(),
    acknowledgeQuit: vi.fn(),
  },
}));

import { api } from '../api';
import { offerKey, runEditCommand, startNative, textUndoKeys, windowTitle } from './native';

const mocked = vi.mocked(api);

function fixture() {
  return {
    command: vi.fn(),
    openFiles: vi.fn(),
    quitRequested: vi.fn(),
    recentChanged: vi.fn(),
  };
}

describe('startNative', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    handlers.clear();
    offs.length = 0;
    mocked.acknowledgeQuit.mockResolvedValue(undefined);
  });

  it('subscribes first, then hands over the command line files', async () => {
    const order: string[] = [];
    mocked.nativeReady.mockImplementation(async () => {
      order.push(`ready after ${[...handlers.keys()].join(',')}`);
      return { files: ['/w/a.sql'], recent: [], platform: 'linux' } as never;
    });
    const h = fixture();
    const session = await startNative(h);
    expect(order).toEqual(['ready after menu:command,files:open,files:recent,app:quit-requested']);
    expect(h.openFiles).toHaveBeenCalledWith(['/w/a.sql'], 'args');
    expect(session.state.platform).toBe('linux');

    handlers.get('menu:command')!({ id: 'file.save' });
    handlers.get('files:open')!({ paths: ['/w/b.sql'], source: 'drop' });
    handlers.get('files:recent')!([{ path: '/w/b.sql' }]);
    expect(h.command).toHaveBeenCalledWith('file.save');
    expect(h.openFiles).toHaveBeenLastCalledWith(['/w/b.sql'], 'drop');
    expect(h.recentChanged).toHaveBeenCalledWith([{ path: '/w/b.sql' }]);

    session.stop();
    expect(offs).toHaveLength(4);
  });

  it('acknowledges a quit request before handing it over', async () => {
    mocked.nativeReady.mockResolvedValue({ files: [], recent: [], platform: 'linux' } as never);
    const h = fixture();
    h.quitRequested.mockImplementation(() => expect(mocked.acknowledgeQuit).toHaveBeenCalledWith('7'));
    const session = await startNative(h);
    handlers.get('app:quit-requested')!({ requestId: '7', openWork: [], ackTimeoutMs: 3000 });
    expect(h.quitRequested).toHaveBeenCalledOnce();
    expect(h.openFiles).not.toHaveBeenCalled();
    session.stop();
  });

  it('keeps the webview from navigating to a dropped file', async () => {
    mocked.nativeReady.mockResolvedValue({ files: [], recent: [], platform: 'linux' } as never);
    const session = await startNative(fixture());
    const drop = (types: string[]) => {
      const e = new Event('drop', { cancelable: true }) as DragEvent;
      Object.defineProperty(e, 'dataTransfer', { value: { types } });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    };
    expect(drop(['Files'])).toBe(true);
    expect(drop(['text/plain'])).toBe(false); // the app's own drags are left alone
    session.stop();
    expect(drop(['Files'])).toBe(false);
  });

  it('unsubscribes when the backend is not there', async () => {
    mocked.nativeReady.mockRejectedValue(new Error('no backend'));
    await expect(startNative(fixture())).rejects.toThrow('no backend');
    expect(offs).toHaveLength(4);
  });
});

describe('windowTitle', () => {
  it('names the tab, the connection and database, and the app', () => {
    expect(windowTitle('report.sql', 'shop', 'postgres')).toBe('report.sql — shop/postgres — Tusk');
    expect(windowTitle('Query 1', null, null)).toBe('Query 1 — Tusk');
    expect(windowTitle()).toBe('Tusk');
  });
});

describe('edit commands', () => {
  const fakeDoc = () => ({ execCommand: vi.fn(() => true) });

  it('runs Edit menu commands on the focused field', () => {
    const doc = fakeDoc();
    expect(runEditCommand('edit.undo', doc as unknown as Document)).toBe(true);
    expect(runEditCommand('edit.selectAll', doc as unknown as Document)).toBe(true);
    expect(runEditCommand('file.save', doc as unknown as Document)).toBe(false);
    expect(doc.execCommand.mock.calls).toEqual([['undo'], ['selectAll']]);
  });

  it('gives inputs the undo and redo keys WebKitGTK leaves out', () => {
    const doc = fakeDoc();
    const onKey = textUndoKeys(false, doc as unknown as Document);
    const input = document.createElement('input');
    const editor = document.createElement('div');
    const fire = (target: HTMLElement, init: KeyboardEventInit) => {
      const e = new KeyboardEvent('keydown', { cancelable: true, ...init });
      Object.defineProperty(e, 'target', { value: target });
      onKey(e);
      return e.defaultPrevented;
    };
    expect(fire(input, { key: 'z', ctrlKey: true })).toBe(true);
    expect(fire(input, { key: 'Z', ctrlKey: true, shiftKey: true })).toBe(true);
    expect(fire(input, { key: 'y', ctrlKey: true })).toBe(true);
    expect(fire(input, { key: 'z' })).toBe(false); // typing a z
    expect(fire(input, { key: 'z', metaKey: true })).toBe(false); // Cmd is not Mod off macOS
    expect(fire(editor, { key: 'z', ctrlKey: true })).toBe(false); // CodeMirror keeps its own history
    expect(doc.execCommand.mock.calls).toEqual([['undo'], ['redo'], ['redo']]);
    expect(fire(input, { key: 'z', metaKey: true })).toBe(false);
    const mac = textUndoKeys(true, doc as unknown as Document);
    const e = new KeyboardEvent('keydown', { key: 'z', metaKey: true, cancelable: true });
    Object.defineProperty(e, 'target', { value: input });
    mac(e);
    expect(e.defaultPrevented).toBe(true);
  });
});

describe('offerKey', () => {
  it('gives a native accelerator’s key to a focused dialog or editable grid, where the page has a meaning for it', () => {
    document.body.innerHTML = '<div role="dialog"><textarea></textarea></div><div data-testid="result-grid"><div tabindex="0" data-testid="grid"></div></div><input id="outside" />';
    const keys: string[] = [];
    document.addEventListener('keydown', (e) => keys.push(`${e.ctrlKey ? 'Ctrl+' : ''}${e.shiftKey ? 'Shift+' : ''}${e.key}@${(e.target as HTMLElement).tagName}`));
    document.querySelector('textarea')!.focus();
    expect(offerKey('Mod+Enter', document, false)).toBe(true);
    document.querySelector<HTMLElement>('[data-testid="grid"]')!.focus();
    expect(offerKey('Mod+S', document, false)).toBe(true);
    expect(keys).toEqual(['Ctrl+Enter@TEXTAREA', 'Ctrl+s@DIV']);

    // Elsewhere, or without a shortcut, the command runs as chosen in the menu.
    document.querySelector<HTMLElement>('#outside')!.focus();
    expect(offerKey('Mod+Enter', document, false)).toBe(false);
    expect(offerKey(undefined, document, false)).toBe(false);
    expect(keys).toHaveLength(2);
  });
});
