import type { EditorState } from '@codemirror/state';

/**
 * What the user asked to run. Offsets are UTF-16 code units (CodeMirror
 * positions are), relative to the whole document:
 * - 'statement': sql is the whole document; the backend runs the statement
 *   containing `cursor`.
 * - 'selection': sql is the selected text, which starts at `offset`.
 * - 'script': sql is the whole document, run as a script.
 */
export type RunRequest = {
  mode: 'statement' | 'script' | 'selection';
  sql: string;
  offset: number;
  cursor?: number;
};

/** runRequest builds the request for Mod-Enter: the selection if any, else the statement at the cursor. */
export function runRequest(state: EditorState): RunRequest {
  const main = state.selection.main;
  if (!main.empty) {
    return { mode: 'selection', sql: state.sliceDoc(main.from, main.to), offset: main.from };
  }
  return { mode: 'statement', sql: state.doc.toString(), offset: 0, cursor: main.head };
}

/** scriptRequest builds the request for Shift-Mod-Enter: the whole document. */
export function scriptRequest(state: EditorState): RunRequest {
  return { mode: 'script', sql: state.doc.toString(), offset: 0 };
}
