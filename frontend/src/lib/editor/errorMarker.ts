import type { EditorState, TransactionSpec } from '@codemirror/state';
import { forEachDiagnostic, setDiagnostics, type Diagnostic } from '@codemirror/lint';

/**
 * errorRange returns the range to underline for an error reported at
 * `offset` (UTF-16 code units, as CodeMirror positions are): the word or token
 * starting there, at least one character when the document allows it.
 */
export function errorRange(state: EditorState, offset: number): { from: number; to: number } {
  const len = state.doc.length;
  const from = Math.max(0, Math.min(Math.trunc(offset), len));
  const word = state.wordAt(from);
  if (word && word.from <= from && word.to > from) return { from, to: word.to };
  if (from < len) {
    // Not a word: mark the token, i.e. up to the next whitespace (at least one char).
    const line = state.doc.lineAt(from);
    const rest = line.text.slice(from - line.from);
    const m = /^\S+/.exec(rest);
    const to = from + (m ? m[0].length : 1);
    return { from, to: Math.min(to, len) };
  }
  // At the end of the document: mark the last character if any.
  return { from: Math.max(0, len - 1), to: len };
}

/** showErrorSpec marks one error; it replaces any previous error marker. */
export function showErrorSpec(state: EditorState, offset: number, message: string): TransactionSpec {
  const { from, to } = errorRange(state, offset);
  const diagnostic: Diagnostic = { from, to, severity: 'error', message, source: 'PostgreSQL' };
  return setDiagnostics(state, [diagnostic]);
}

export function clearErrorSpec(state: EditorState): TransactionSpec {
  return setDiagnostics(state, []);
}

/** errorPosition returns where the current error marker starts (mapped through edits), if any. */
export function errorPosition(state: EditorState): number | null {
  let pos: number | null = null;
  forEachDiagnostic(state, (d, from) => {
    if (pos === null && d.severity === 'error') pos = from;
  });
  return pos;
}

/** errorMark returns the current error marker's range and message, if any. */
export function errorMark(state: EditorState): { from: number; to: number; message: string } | null {
  let mark: { from: number; to: number; message: string } | null = null;
  forEachDiagnostic(state, (d, from, to) => {
    if (mark === null && d.severity === 'error') mark = { from, to, message: d.message };
  });
  return mark;
}
