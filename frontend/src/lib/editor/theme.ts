import { Compartment, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { oneDarkHighlightStyle } from '@codemirror/theme-one-dark';

// Colours come from the app's CSS variables (app.css), so the editor follows
// the same palette as the rest of the UI. The `dark` flag switches
// CodeMirror's own base theme (selection, panels, tooltips) and the syntax
// colours, which cannot be expressed as CSS variables.
const shared = {
  '&': { color: 'var(--fg)', backgroundColor: 'var(--bg)', height: '100%' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--surface-2)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLineGutter': { color: 'var(--fg)' },
  '.cm-panels': { backgroundColor: 'var(--surface-2)', color: 'var(--fg)' },
  '.cm-panels-top': { borderBottom: '1px solid var(--border)' },
  '.cm-panels-bottom': { borderTop: '1px solid var(--border)' },
  '.cm-tooltip': { backgroundColor: 'var(--surface-2)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-lintRange-error': { backgroundSize: 'auto' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
};

const light = EditorView.theme(
  {
    ...shared,
    '.cm-activeLine': { backgroundColor: 'rgba(47, 111, 223, 0.06)' },
    '.cm-activeLineGutter': { backgroundColor: 'rgba(47, 111, 223, 0.10)', color: 'var(--fg)' },
    '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection':
      { backgroundColor: 'rgba(47, 111, 223, 0.22)' },
  },
  { dark: false },
);

const dark = EditorView.theme(
  {
    ...shared,
    '.cm-activeLine': { backgroundColor: 'rgba(91, 147, 245, 0.08)' },
    '.cm-activeLineGutter': { backgroundColor: 'rgba(91, 147, 245, 0.14)', color: 'var(--fg)' },
    '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection':
      { backgroundColor: 'rgba(91, 147, 245, 0.30)' },
  },
  { dark: true },
);

/** The theme compartment: editor chrome and syntax colours for one scheme. */
export const themeCompartment = new Compartment();

export function themeExtension(isDark: boolean): Extension {
  return isDark
    ? [dark, syntaxHighlighting(oneDarkHighlightStyle)]
    : [light, syntaxHighlighting(defaultHighlightStyle)];
}
