import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EditorSelection } from '@codemirror/state';
import { runScopeHandlers } from '@codemirror/view';
import { diagnosticCount, forEachDiagnostic } from '@codemirror/lint';
import {
  CompletionContext,
  completionStatus,
  startCompletion,
  type CompletionResult,
  type CompletionSource,
} from '@codemirror/autocomplete';
import { openSearchPanel, searchPanelOpen } from '@codemirror/search';
import { SqlEditor, type SqlEditorOptions } from './SqlEditor';

function opts(doc: string, dark = false) {
  return {
    doc,
    dark,
    onChange: vi.fn<SqlEditorOptions['onChange']>(),
    onRun: vi.fn<SqlEditorOptions['onRun']>(),
    onCancel: vi.fn<SqlEditorOptions['onCancel']>(() => true),
    onSave: vi.fn<SqlEditorOptions['onSave']>(),
  };
}

/** press runs the editor's key bindings for one key (Mod = Ctrl outside macOS). */
function press(ed: SqlEditor, key: string, mods: { mod?: boolean; shift?: boolean } = {}): boolean {
  const event = new KeyboardEvent('keydown', {
    key,
    ctrlKey: mods.mod ?? false,
    shiftKey: mods.shift ?? false,
    bubbles: true,
    cancelable: true,
  });
  return runScopeHandlers(ed.view, event, 'editor');
}

/** completions asks the language's completion sources what they offer at the end of the doc. */
async function completions(ed: SqlEditor, explicit = true): Promise<string[]> {
  const state = ed.view.state;
  const pos = state.doc.length;
  const context = new CompletionContext(state, pos, explicit);
  const labels: string[] = [];
  for (const source of state.languageDataAt<CompletionSource>('autocomplete', pos)) {
    const result: CompletionResult | null = await source(context);
    for (const option of result?.options ?? []) labels.push(option.label);
  }
  return labels;
}

function diagnostics(ed: SqlEditor) {
  const out: { from: number; to: number; severity: string; message: string }[] = [];
  forEachDiagnostic(ed.view.state, (d, from, to) => out.push({ from, to, severity: d.severity, message: d.message }));
  return out;
}

describe('SqlEditor', () => {
  let parent: HTMLElement;
  let ed: SqlEditor | undefined;

  beforeEach(() => {
    parent = document.createElement('div');
    document.body.append(parent);
  });

  afterEach(() => {
    ed?.destroy();
    ed = undefined;
    parent.remove();
  });

  it('shows the document in a .cm-content element', () => {
    const o = opts('select 1;');
    ed = new SqlEditor(parent, o);
    expect(ed.getDoc()).toBe('select 1;');
    expect(parent.querySelector('.cm-content')?.textContent).toBe('select 1;');
    expect(parent.querySelector('.cm-lineNumbers')).not.toBeNull();
  });

  it('formats the whole text as one undo step, loading the formatter on first use', async () => {
    const o = opts('select a,b from t where a=1');
    ed = new SqlEditor(parent, o);
    const r = await ed.format({ keywordCase: 'upper', indent: 2 });
    expect(r).toMatchObject({ changed: true, formatted: 1, kept: 0 });
    expect(ed.getDoc()).toBe('SELECT\n  a,\n  b\nFROM\n  t\nWHERE\n  a = 1');
    expect(await ed.format({ keywordCase: 'upper', indent: 2 })).toMatchObject({ changed: false });
  });

  it('Mod-Enter without a selection runs the statement under the cursor', () => {
    const o = opts('select 1;\nselect 2;');
    ed = new SqlEditor(parent, o);
    ed.view.dispatch({ selection: { anchor: 13 } });
    expect(press(ed, 'Enter', { mod: true })).toBe(true);
    expect(o.onRun).toHaveBeenCalledExactlyOnceWith({
      mode: 'statement',
      sql: 'select 1;\nselect 2;',
      offset: 0,
      cursor: 13,
    });
    expect(ed.getDoc()).toBe('select 1;\nselect 2;'); // insertBlankLine did not run
  });

  it('Mod-Enter with a selection runs the selected text at its UTF-16 offset', () => {
    const doc = "select '𝄞';\nselect 2;";
    const o = opts(doc);
    ed = new SqlEditor(parent, o);
    const start = doc.indexOf('select 2'); // '𝄞' is two UTF-16 code units
    expect(start).toBe(13);
    ed.view.dispatch({ selection: EditorSelection.single(start, start + 'select 2'.length) });
    press(ed, 'Enter', { mod: true });
    expect(o.onRun).toHaveBeenCalledExactlyOnceWith({ mode: 'selection', sql: 'select 2', offset: 13 });
  });

  it('a backwards selection reports its start', () => {
    const o = opts('select 1, 2');
    ed = new SqlEditor(parent, o);
    ed.view.dispatch({ selection: EditorSelection.single(11, 7) });
    press(ed, 'Enter', { mod: true });
    expect(o.onRun).toHaveBeenCalledExactlyOnceWith({ mode: 'selection', sql: '1, 2', offset: 7 });
  });

  it('Shift-Mod-Enter runs the whole document as a script', () => {
    const o = opts('select 1;\nselect 2;');
    ed = new SqlEditor(parent, o);
    ed.view.dispatch({ selection: EditorSelection.single(0, 6) });
    press(ed, 'Enter', { mod: true, shift: true });
    expect(o.onRun).toHaveBeenCalledExactlyOnceWith({ mode: 'script', sql: 'select 1;\nselect 2;', offset: 0 });
  });

  it('Escape cancels, unless a completion popup or search is shown', async () => {
    const o = opts('sel');
    ed = new SqlEditor(parent, o);
    expect(press(ed, 'Escape')).toBe(true);
    expect(o.onCancel).toHaveBeenCalledOnce();

    openSearchPanel(ed.view);
    expect(searchPanelOpen(ed.view.state)).toBe(true);
    press(ed, 'Escape');
    expect(o.onCancel).toHaveBeenCalledOnce();
    expect(searchPanelOpen(ed.view.state)).toBe(false); // the search panel closed instead

    ed.view.dispatch({ selection: { anchor: 3 } });
    startCompletion(ed.view);
    expect(completionStatus(ed.view.state)).toBe('pending');
    // Still being looked up, nothing shown: Escape cancels (and drops the lookup).
    press(ed, 'Escape');
    expect(o.onCancel).toHaveBeenCalledTimes(2);
    expect(completionStatus(ed.view.state)).toBeNull();

    const view = ed.view;
    startCompletion(view);
    await vi.waitFor(() => expect(completionStatus(view.state)).toBe('active'));
    press(ed, 'Escape');
    expect(o.onCancel).toHaveBeenCalledTimes(2); // the popup closed instead
    expect(completionStatus(ed.view.state)).toBeNull();
  });

  it('a run drops a completion not shown yet', () => {
    const o = opts('sel');
    ed = new SqlEditor(parent, o);
    ed.view.dispatch({ selection: { anchor: 3 } });
    startCompletion(ed.view);
    press(ed, 'Enter', { mod: true });
    expect(o.onRun).toHaveBeenCalledOnce();
    expect(completionStatus(ed.view.state)).toBeNull();
  });

  it('Mod-s saves and prevents the browser default', () => {
    const o = opts('select 1');
    ed = new SqlEditor(parent, o);
    // Through the DOM, as a real key press arrives, so CodeMirror's own handler decides preventDefault.
    const event = new KeyboardEvent('keydown', { key: 's', code: 'KeyS', keyCode: 83, ctrlKey: true, bubbles: true, cancelable: true });
    ed.view.contentDOM.dispatchEvent(event);
    expect(o.onSave).toHaveBeenCalledOnce();
    expect(event.defaultPrevented).toBe(true);
  });

  it('Mod-/ toggles a SQL line comment; undo restores', () => {
    const o = opts('select 1');
    ed = new SqlEditor(parent, o);
    press(ed, '/', { mod: true });
    expect(ed.getDoc()).toBe('-- select 1');
    expect(o.onChange).toHaveBeenLastCalledWith('-- select 1');
    press(ed, 'z', { mod: true });
    expect(ed.getDoc()).toBe('select 1');
  });

  it('Mod-f opens the search panel', () => {
    ed = new SqlEditor(parent, opts('select 1'));
    press(ed, 'f', { mod: true });
    expect(searchPanelOpen(ed.view.state)).toBe(true);
    expect(parent.querySelector('.cm-search')).not.toBeNull();
  });

  it('user edits call onChange; setDoc does not', () => {
    const o = opts('select 1');
    ed = new SqlEditor(parent, o);
    ed.view.dispatch({ changes: { from: 8, insert: '0' }, userEvent: 'input.type' });
    expect(o.onChange).toHaveBeenCalledExactlyOnceWith('select 10');
    ed.setDoc('select 2');
    expect(ed.getDoc()).toBe('select 2');
    expect(o.onChange).toHaveBeenCalledOnce();
  });

  it('showError marks the token at the offset as an error', () => {
    const doc = "select '𝄞', nme from users";
    ed = new SqlEditor(parent, opts(doc));
    const offset = doc.indexOf('nme'); // 13: '𝄞' counts as two code units
    ed.showError(offset, 'column "nme" does not exist');
    expect(diagnosticCount(ed.view.state)).toBe(1);
    expect(diagnostics(ed)).toEqual([
      { from: 13, to: 16, severity: 'error', message: 'column "nme" does not exist' },
    ]);
    expect(offset).toBe(13);
    expect(ed.view.state.sliceDoc(13, 16)).toBe('nme');

    ed.showError(0, 'syntax error'); // replaces the previous marker
    expect(diagnostics(ed)).toEqual([{ from: 0, to: 6, severity: 'error', message: 'syntax error' }]);

    ed.clearError();
    expect(diagnosticCount(ed.view.state)).toBe(0);
  });

  it('showError handles punctuation and the end of the document', () => {
    ed = new SqlEditor(parent, opts('select (1'));
    ed.showError(7, 'x');
    expect(diagnostics(ed)[0]).toMatchObject({ from: 7, to: 9 });
    ed.showError(9, 'syntax error at end of input');
    expect(diagnostics(ed)[0]).toMatchObject({ from: 8, to: 9 });
    ed.showError(500, 'out of range');
    expect(diagnostics(ed)[0]).toMatchObject({ from: 8, to: 9 });
  });

  it('jumpToError moves the cursor to the marker, following edits on other lines', () => {
    const o = { ...opts('select 1;\nselect nme from t'), onErrorChange: vi.fn() };
    ed = new SqlEditor(parent, o);
    expect(ed.jumpToError()).toBe(false);
    ed.showError(17, 'column "nme" does not exist');
    ed.view.dispatch({ changes: { from: 0, insert: '  ' } });
    expect(ed.jumpToError()).toBe(true);
    expect(ed.view.state.selection.main.head).toBe(19);
    expect(o.onErrorChange).toHaveBeenLastCalledWith({ offset: 19, message: 'column "nme" does not exist' });
  });

  it('an edit on the marked line takes the stale marker away', async () => {
    const o = { ...opts('select 1;\nselect nme from t'), onErrorChange: vi.fn() };
    ed = new SqlEditor(parent, o);
    ed.showError(17, 'column "nme" does not exist');
    ed.view.dispatch({ changes: { from: 19, to: 20, insert: 'am' } }); // nme -> name
    expect(o.onErrorChange).toHaveBeenLastCalledWith(null);
    await Promise.resolve();
    expect(diagnostics(ed)).toHaveLength(0);
    expect(ed.jumpToError()).toBe(false);
  });

  it('deleting the marked text takes the marker and its gutter dot away', async () => {
    const o = { ...opts('select id from t order by'), onErrorChange: vi.fn() };
    ed = new SqlEditor(parent, o);
    ed.showError(25, 'syntax error at end of input');
    expect(ed.view.dom.querySelectorAll('.cm-lint-marker-error')).toHaveLength(1);
    // Select all and type: the marked text is gone with the rest.
    ed.view.dispatch({ changes: { from: 0, to: ed.view.state.doc.length, insert: 'select 1' } });
    expect(o.onErrorChange).toHaveBeenLastCalledWith(null);
    await Promise.resolve();
    expect(diagnostics(ed)).toHaveLength(0);
    expect(ed.view.dom.querySelectorAll('.cm-lint-marker-error')).toHaveLength(0);
  });

  it('setDark and setSchema keep the document and the error', () => {
    const o = opts('select * from us');
    ed = new SqlEditor(parent, o);
    ed.showError(14, 'relation "us" does not exist');
    const lightClasses = ed.view.dom.className;
    ed.setDark(true);
    expect(ed.view.dom.className).not.toBe(lightClasses); // the theme class changed
    ed.setSchema({ 'public.users': ['id', 'name'] });
    ed.setDark(false);
    ed.setSchema(null);
    expect(ed.getDoc()).toBe('select * from us');
    expect(diagnosticCount(ed.view.state)).toBe(1);
    expect(o.onChange).not.toHaveBeenCalled();
  });

  it('completes keywords, and tables and columns after setSchema', async () => {
    ed = new SqlEditor(parent, opts('select * from us'));
    expect(await completions(ed)).toContain('select');
    expect(await completions(ed)).not.toContain('users');
    ed.setSchema({ 'public.users': ['id', 'name'], 'audit.log': ['at'] });
    expect(await completions(ed)).toContain('users');
    ed.setDoc('select users.');
    expect(await completions(ed)).toEqual(expect.arrayContaining(['id', 'name']));
    ed.setSchema(null);
    expect(await completions(ed)).not.toContain('id');
  });

  it('offers names as soon as one is expected, without Ctrl+Space', async () => {
    ed = new SqlEditor(parent, opts(''));
    ed.setSchema({ 'public.users': ['id', 'name'], 'public.orders': ['id', 'total'] });
    for (const [doc, want] of [
      ['select * from ', 'users'],
      ['SELECT * FROM users u JOIN ', 'orders'],
      ['insert into ', 'orders'],
      ['update ', 'users'],
      ['select o. from orders o', null],
    ] as const) {
      ed.setDoc(doc);
      if (want) expect(await completions(ed, false), doc).toContain(want);
    }
    // After a qualifier's dot: the columns of the aliased table.
    ed.setDoc('select * from orders o where o.');
    expect(await completions(ed, false)).toEqual(expect.arrayContaining(['id', 'total']));
    // Elsewhere an empty word offers nothing until asked.
    ed.setDoc('select 1 ');
    expect(await completions(ed, false)).toEqual([]);
  });
});
