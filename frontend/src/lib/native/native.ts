// The frontend's side of the native shell (framework-free; App.svelte wires
// it): the application menu's commands, files handed to the app (command
// line, second launch, drop on the window, Open Recent), the recent-files
// list, the window title and the quit protocol. See startNative.
import { api, on, type NativeState, type QuitRequest, type RecentFile } from '../api';
import { isMac, parseShortcut } from '../commands/shortcuts';

export type FileSource = 'args' | 'instance' | 'drop' | 'recent' | 'start';

export interface NativeHandlers {
  /** Runs a catalogue command chosen in the application menu (or by its native accelerator). */
  command(id: string): void;
  /**
   * Opens files in tabs. Read each with api.openSqlFile({ path }); it
   * rejects with an AppError (kind validation) for files that are not UTF-8
   * text or are too large, which the UI should show.
   */
  openFiles(paths: string[], source: FileSource): void;
  /**
   * The user asked to quit (close button, File → Quit, api.requestQuit).
   * The request is already acknowledged. Decide — unsaved tabs, plus
   * req.openWork (tabs with an open transaction or a running query) — and
   * call api.confirmQuit() or api.cancelQuit(). With nothing to ask about,
   * confirm at once.
   */
  quitRequested(req: QuitRequest): void;
  /** The recent-files list changed (also after opening or saving a file). */
  recentChanged?(list: RecentFile[]): void;
}

export interface NativeSession {
  /** What the backend said when the frontend became ready (platform, recent files). */
  state: NativeState;
  /** Unsubscribes everything (an $effect cleanup). */
  stop(): void;
}

/**
 * startNative subscribes to menu:command, files:open, files:recent and
 * app:quit-requested, tells the backend the frontend is listening (from
 * then on closing the window asks through quitRequested) and hands over the
 * files given on the command line. Call it once, after the handlers can
 * open tabs.
 *
 * It also stops the webview from navigating to a file dropped on it: the
 * drop itself arrives through files:open (Wails' native file drop), since
 * HTML5 drag and drop does not deliver paths in these webviews.
 */
export async function startNative(h: NativeHandlers): Promise<NativeSession> {
  const offs = [
    on('menu:command', (p) => h.command(p.id)),
    on('files:open', (p) => h.openFiles(p.paths ?? [], p.source as FileSource)),
    on('files:recent', (list) => h.recentChanged?.(list ?? [])),
    on('app:quit-requested', (req) => {
      void api.acknowledgeQuit(req.requestId).catch((err: unknown) => console.error('acknowledge quit', err));
      h.quitRequested(req);
    }),
  ];
  const keepFileDrops = (e: DragEvent) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  };
  window.addEventListener('dragover', keepFileDrops);
  window.addEventListener('drop', keepFileDrops);
  const stop = () => {
    offs.forEach((off) => off());
    window.removeEventListener('dragover', keepFileDrops);
    window.removeEventListener('drop', keepFileDrops);
  };
  try {
    const state = await api.nativeReady();
    if (state.files?.length) h.openFiles(state.files, 'args');
    return { state, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

/** windowTitle builds "tab — connection/database — Tusk" from the parts that are set. */
export function windowTitle(tab?: string | null, connection?: string | null, database?: string | null): string {
  const where = [connection, database].filter(Boolean).join('/');
  return [tab, where, 'Tusk'].filter(Boolean).join(' — ');
}

const editCommands: Record<string, string> = {
  'edit.undo': 'undo', 'edit.redo': 'redo', 'edit.cut': 'cut', 'edit.copy': 'copy', 'edit.paste': 'paste', 'edit.selectAll': 'selectAll',
};

/**
 * runEditCommand carries out an Edit menu command (edit.undo, edit.copy …)
 * on the focused input, text area or editor, as the key would; false for
 * other commands or when the webview refused. CodeMirror takes undo and
 * redo from the beforeinput event this raises.
 */
export function runEditCommand(id: string, doc: Document = document): boolean {
  const cmd = editCommands[id];
  return cmd ? doc.execCommand(cmd) : false;
}

/** Where the page gives a native accelerator's key a meaning of its own: a dialog (a cell editor's Ctrl+Enter) or an editable grid (Ctrl+S commits). */
const ownKeys = '[role="dialog"], [role="alertdialog"], [data-testid="result-grid"], [data-testid="data-tab"]';

/**
 * offerKey gives the key of a native accelerator to the focused element when
 * it sits where the page gives that key a meaning of its own (ownKeys). The
 * native menu takes its shortcuts before the webview sees them, so without
 * this Ctrl+Enter in a cell editor would run the tab's query. The event
 * bubbles like the real key: when nothing there takes it, the app's own key
 * handler runs the command (or, with a dialog open, lets it wait). Returns
 * false (the caller runs the command) when the focus is elsewhere or the
 * command has no shortcut.
 */
export function offerKey(shortcut: string | undefined, doc: Document = document, mac = isMac): boolean {
  const el = doc.activeElement;
  if (!shortcut || !el || !el.closest(ownKeys)) return false;
  const s = parseShortcut(shortcut, mac);
  const key = s.key.length === 1 ? s.key : (keyNames[s.key] ?? s.key);
  el.dispatchEvent(new KeyboardEvent('keydown', { key, ctrlKey: s.ctrl, metaKey: s.meta, shiftKey: s.shift, altKey: s.alt, bubbles: true, cancelable: true }));
  return true;
}

const keyNames: Record<string, string> = { enter: 'Enter', escape: 'Escape', tab: 'Tab', delete: 'Delete', backspace: 'Backspace' };

/**
 * textUndoKeys returns a keydown listener that gives inputs and text areas
 * undo (Mod+Z) and redo (Mod+Shift+Z, Ctrl+Y): WebKitGTK binds no key to
 * undo in form fields (the host application is expected to), so without it
 * Ctrl+Z does nothing there in the desktop window. The editor keeps its own
 * history and is left alone.
 */
export function textUndoKeys(mac: boolean, doc: Document = document): (e: KeyboardEvent) => void {
  return (e) => {
    const t = e.target as HTMLElement | null;
    if (e.defaultPrevented || !t || !(t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) return;
    const mod = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
    if (!mod || e.altKey) return;
    const key = e.key.toLowerCase();
    const cmd = key === 'z' ? (e.shiftKey ? 'redo' : 'undo') : key === 'y' && !mac && !e.shiftKey ? 'redo' : '';
    if (cmd && doc.execCommand(cmd)) e.preventDefault();
  };
}
