import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { dangerExtension, dangerMarks, setDangerMarks } from './dangerMarks';

const doc = 'select 1;\ndelete from t;\ndrop table u;';

function withMarks(marks: { from: number; to: number; message: string }[]): EditorState {
  const state = EditorState.create({ doc, extensions: [dangerExtension] });
  return state.update({ effects: setDangerMarks.of(marks) }).state;
}

describe('danger marks', () => {
  it('marks each dangerous statement, in document order', () => {
    const state = withMarks([
      { from: 25, to: 37, message: 'DROP TABLE' },
      { from: 10, to: 23, message: 'DELETE without WHERE' },
    ]);
    expect(dangerMarks(state).map((m) => doc.slice(m.from, m.to))).toEqual(['delete from t', 'drop table u']);
  });

  it('follow edits before them and go with their text', () => {
    let state = withMarks([{ from: 10, to: 23, message: 'DELETE without WHERE' }]);
    state = state.update({ changes: { from: 0, insert: '-- careful\n' } }).state;
    const [m] = dangerMarks(state);
    expect(state.sliceDoc(m!.from, m!.to)).toBe('delete from t');
    // Deleting the statement deletes its mark.
    state = state.update({ changes: { from: m!.from, to: m!.to + 1 } }).state;
    expect(dangerMarks(state)).toEqual([]);
  });

  it('are replaced as a whole; an empty list clears them', () => {
    let state = withMarks([{ from: 10, to: 23, message: 'a' }]);
    state = state.update({ effects: setDangerMarks.of([{ from: 25, to: 37, message: 'b' }]) }).state;
    expect(dangerMarks(state)).toEqual([{ from: 25, to: 37 }]);
    state = state.update({ effects: setDangerMarks.of([]) }).state;
    expect(dangerMarks(state)).toEqual([]);
  });

  it('clamp offsets past the end and drop empty ranges (the text changed since the check)', () => {
    const state = withMarks([
      { from: 30, to: 500, message: 'past the end' },
      { from: 5, to: 5, message: 'empty' },
      { from: 60, to: 70, message: 'all past the end' },
    ]);
    expect(dangerMarks(state)).toEqual([{ from: 30, to: doc.length }]);
  });
});
