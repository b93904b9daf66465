// Marks over the statements safe mode refused or asks about: a tinted
// background with the reason as a tooltip. They follow edits and are
// replaced as a whole (an empty list clears them). Separate from the error
// marker, which is one lint diagnostic with its own life cycle.
import { StateEffect, StateField, type EditorState, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';

export interface DangerMark {
  /** UTF-16 offsets into the document. */
  from: number;
  to: number;
  message: string;
}

export const setDangerMarks = StateEffect.define<DangerMark[]>();

function build(state: EditorState, marks: DangerMark[]): DecorationSet {
  const len = state.doc.length;
  const ranges = marks
    .map((m) => ({ from: Math.max(0, Math.min(m.from, len)), to: Math.max(0, Math.min(m.to, len)), message: m.message }))
    .filter((m) => m.to > m.from)
    .sort((a, b) => a.from - b.from)
    .map((m) => Decoration.mark({ class: 'cm-danger', attributes: { title: m.message, 'data-testid': 'danger-mark' } }).range(m.from, m.to));
  return Decoration.set(ranges);
}

export const dangerField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const e of tr.effects) if (e.is(setDangerMarks)) value = build(tr.state, e.value);
    return value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** dangerMarks lists the marks now in state (mapped through edits). */
export function dangerMarks(state: EditorState): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  state.field(dangerField, false)?.between(0, state.doc.length, (from, to) => {
    out.push({ from, to });
  });
  return out;
}

export const dangerExtension: Extension = [
  dangerField,
  EditorView.baseTheme({
    '.cm-danger': {
      backgroundColor: 'rgb(220 50 50 / 0.16)',
      textDecoration: 'underline wavy rgb(200 40 40 / 0.8)',
      textUnderlineOffset: '3px',
    },
  }),
];
