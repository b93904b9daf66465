import { render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { EditorView, runScopeHandlers } from '@codemirror/view';
import { forEachDiagnostic } from '@codemirror/lint';
import Editor from './Editor.svelte';

function props(doc: string) {
  return {
    doc,
    dark: false,
    onchange: vi.fn<(doc: string) => void>(),
    onrun: vi.fn(),
    oncancel: vi.fn<() => boolean>(() => true),
    onsave: vi.fn<() => void>(),
  };
}

function viewIn(el: HTMLElement): EditorView {
  const dom = el.querySelector<HTMLElement>('.cm-editor');
  const view = dom && EditorView.findFromDOM(dom);
  if (!view) throw new Error('no editor view');
  return view;
}

function errors(view: EditorView) {
  const out: { from: number; to: number; message: string }[] = [];
  forEachDiagnostic(view.state, (d, from, to) => out.push({ from, to, message: d.message }));
  return out;
}

describe('Editor', () => {
  it('mounts CodeMirror with the doc and wires the callbacks', () => {
    const p = props('select 1');
    render(Editor, p);
    const host = screen.getByTestId('editor');
    expect(host.querySelector('.cm-content')).toHaveTextContent('select 1');
    const view = viewIn(host);

    view.dispatch({ selection: { anchor: 3 } });
    runScopeHandlers(view, new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }), 'editor');
    expect(p.onrun).toHaveBeenCalledExactlyOnceWith({ mode: 'statement', sql: 'select 1', offset: 0, cursor: 3 });

    runScopeHandlers(view, new KeyboardEvent('keydown', { key: 'Escape' }), 'editor');
    expect(p.oncancel).toHaveBeenCalledOnce();
    runScopeHandlers(view, new KeyboardEvent('keydown', { key: 's', ctrlKey: true }), 'editor');
    expect(p.onsave).toHaveBeenCalledOnce();

    view.dispatch({ changes: { from: 8, insert: '2' } });
    expect(p.onchange).toHaveBeenCalledExactlyOnceWith('select 12');
  });

  it('follows doc, dark and error props and destroys the view on unmount', async () => {
    const p = props('select nme');
    const { rerender, unmount } = render(Editor, p);
    const view = viewIn(screen.getByTestId('editor'));
    expect(errors(view)).toEqual([]);

    await rerender({ error: { offset: 7, message: 'column "nme" does not exist' } });
    expect(errors(view)).toEqual([{ from: 7, to: 10, message: 'column "nme" does not exist' }]);

    const classes = view.dom.className;
    await rerender({ dark: true });
    expect(view.dom.className).not.toBe(classes);
    expect(errors(view)).toHaveLength(1);

    await rerender({ doc: 'select name, nme from t', error: { offset: 13, message: 'again' } });
    expect(view.state.doc.toString()).toBe('select name, nme from t');
    expect(errors(view)).toEqual([{ from: 13, to: 16, message: 'again' }]);
    expect(p.onchange).not.toHaveBeenCalled();

    await rerender({ error: null });
    expect(errors(view)).toEqual([]);

    unmount();
    expect(view.dom.isConnected).toBe(false);
  });

  it('exposes focus, jumpToError and setSchema', async () => {
    const p = props('select nme from users');
    const { component, rerender } = render(Editor, p);
    const view = viewIn(screen.getByTestId('editor'));
    expect(component.jumpToError()).toBe(false);
    await rerender({ error: { offset: 7, message: 'column "nme" does not exist' } });
    expect(component.jumpToError()).toBe(true);
    expect(view.state.selection.main.head).toBe(7);
    component.setSchema({ 'public.users': ['id', 'name'] });
    component.focus();
    expect(view.state.doc.toString()).toBe('select nme from users');
  });
});
