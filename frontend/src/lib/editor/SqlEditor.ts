import { Annotation, EditorState, Prec, type ChangeSet } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  type Command,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab, toggleComment } from '@codemirror/commands';
import { highlightSelectionMatches, search, searchKeymap, searchPanelOpen } from '@codemirror/search';
import { bracketMatching, indentOnInput } from '@codemirror/language';
import { lintGutter } from '@codemirror/lint';
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  closeCompletion,
  completionStatus,
} from '@codemirror/autocomplete';
import { dangerExtension, setDangerMarks, type DangerMark } from './dangerMarks';
import { clearErrorSpec, errorMark, errorPosition, showErrorSpec } from './errorMarker';
import type { FormatOptions, FormatResult } from './formatOptions';
import { languageCompartment, languageExtension, type Schema } from './language';
import { runRequest, scriptRequest, type RunRequest } from './runRequest';
import { themeCompartment, themeExtension } from './theme';

export type { RunRequest } from './runRequest';
export type { Schema } from './language';

export type SqlEditorOptions = {
  doc: string;
  dark: boolean;
  /** Called after every user edit (not after setDoc). */
  onChange(doc: string): void;
  /** Mod-Enter (statement or selection), Shift-Mod-Enter (script). */
  onRun(req: RunRequest): void;
  /**
   * Escape, unless the completion popup or the search panel takes it; true
   * when it cancelled something (a running query). When it returns false
   * the key goes on: Esc then Tab moves the focus out of the editor.
   */
  onCancel(): boolean;
  /** Mod-s. */
  onSave(): void;
  /**
   * The error marker moved with an edit (offset is where it starts now) or
   * went away because the user edited the line it marks (null).
   */
  onErrorChange?(mark: { offset: number; message: string } | null): void;
  /**
   * The icon shown before a completion of the given kind (CodeMirror's
   * completion type: keyword, type, property, constant, variable …); null
   * for none. CodeMirror's own icons are characters that fonts often lack.
   */
  completionIcon?(type: string): Node | null;
};

/** Marks transactions made by setDoc so they do not echo back through onChange. */
const external = Annotation.define<boolean>();

/**
 * SqlEditor owns one CodeMirror EditorView for PostgreSQL. Reconfigurable
 * concerns live in their own modules, each with a Compartment: theme.ts
 * (light/dark) and language.ts (dialect + schema completion).
 */
export class SqlEditor {
  readonly view: EditorView;
  private readonly opts: SqlEditorOptions;
  /** An error marker was shown and not cleared: its diagnostic, or at least its gutter dot, may be there. */
  private marked = false;

  constructor(parent: HTMLElement, opts: SqlEditorOptions) {
    this.opts = opts;
    this.view = new EditorView({
      parent,
      state: EditorState.create({ doc: opts.doc, extensions: this.extensions(opts.dark) }),
    });
  }

  private extensions(dark: boolean) {
    // A completion still being looked up (typing starts one 100 ms after a
    // key) would pop up over a run that just started, and take its Escape.
    const run: Command = (view) => {
      closeCompletion(view);
      this.opts.onRun(runRequest(view.state));
      return true;
    };
    const runScript: Command = (view) => {
      closeCompletion(view);
      this.opts.onRun(scriptRequest(view.state));
      return true;
    };
    const cancel: Command = (view) => {
      // Leave Escape to the completion popup and the search panel when shown;
      // a completion not shown yet does not keep the user from cancelling.
      if (completionStatus(view.state) === 'active' || searchPanelOpen(view.state)) return false;
      closeCompletion(view);
      return this.opts.onCancel();
    };
    const save: Command = () => {
      this.opts.onSave();
      return true;
    };

    return [
      Prec.highest(
        keymap.of([
          { key: 'Mod-Enter', run, preventDefault: true },
          { key: 'Shift-Mod-Enter', run: runScript, preventDefault: true },
          { key: 'Mod-s', run: save, preventDefault: true },
          { key: 'Escape', run: cancel },
        ]),
      ),
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      dropCursor(),
      EditorState.allowMultipleSelections.of(true),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      // Completion follows typing after 20 ms instead of CodeMirror's 100 ms:
      // the schema source answers in a few ms even on 10,000 tables.
      autocompletion({
        activateOnTypingDelay: 20,
        icons: false,
        addToOptions: [
          {
            position: 20,
            render: (completion) => {
              const icon = this.opts.completionIcon?.(completion.type ?? '') ?? null;
              if (!icon) return null;
              const box = document.createElement('span');
              box.className = 'tusk-completion-icon';
              box.append(icon);
              return box;
            },
          },
        ],
      }),
      highlightActiveLine(),
      highlightSelectionMatches(),
      search({ top: true }),
      lintGutter(),
      dangerExtension,
      keymap.of([
        ...closeBracketsKeymap,
        { key: 'Mod-/', run: toggleComment },
        ...defaultKeymap,
        ...searchKeymap,
        ...historyKeymap,
        ...completionKeymap,
        indentWithTab,
      ]),
      languageCompartment.of(languageExtension()),
      themeCompartment.of(themeExtension(dark)),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        if (update.transactions.some((tr) => tr.annotation(external))) return;
        this.followError(update.startState, update.changes);
        this.opts.onChange(update.state.doc.toString());
      }),
    ];
  }

  /**
   * followError keeps the error marker honest after a user edit: an edit on
   * the line(s) it marks means the user is fixing that statement, so the
   * marker (now stale) goes; an edit elsewhere moves it along.
   */
  private followError(before: EditorState, changes: ChangeSet): void {
    const mark = errorMark(before);
    if (!mark) {
      // The marked text was deleted (its diagnostic went with it), but the
      // lint gutter keeps its dot: take that away too.
      if (this.marked) {
        queueMicrotask(() => this.clearError());
        this.opts.onErrorChange?.(null);
      }
      return;
    }
    const first = before.doc.lineAt(mark.from).from;
    const last = before.doc.lineAt(mark.to).to;
    let touched = false;
    changes.iterChangedRanges((fromA, toA) => {
      if (fromA <= last && toA >= first) touched = true;
    });
    if (touched) {
      // Dispatching from an update listener is not allowed: clear right after.
      queueMicrotask(() => this.clearError());
      this.opts.onErrorChange?.(null);
    } else {
      this.opts.onErrorChange?.({ offset: changes.mapPos(mark.from), message: mark.message });
    }
  }

  getDoc(): string {
    return this.view.state.doc.toString();
  }

  /**
   * setDoc replaces the whole document (an undoable change) without calling
   * onChange; the cursor moves to the start and any error marker is cleared.
   */
  setDoc(doc: string): void {
    if (doc === this.getDoc()) return;
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: doc },
      selection: { anchor: 0 },
      annotations: external.of(true),
    });
    this.clearError();
  }

  /**
   * format formats the selection, or the whole document when nothing is
   * selected, as one change (one undo step; onChange follows). A formatted
   * selection stays selected; otherwise the cursor keeps its offset, within
   * the new text. `changed` is false when the text was formatted already.
   * The formatter is loaded on first use (a chunk of its own); the text is
   * read once it is there.
   */
  async format(options: Partial<FormatOptions>): Promise<FormatResult & { changed: boolean }> {
    const { formatSQL } = await import('./format');
    const state = this.view.state;
    const main = state.selection.main;
    const whole = main.empty;
    const from = whole ? 0 : main.from;
    const to = whole ? state.doc.length : main.to;
    const result = formatSQL(state.sliceDoc(from, to), options);
    if (result.text === state.sliceDoc(from, to)) return { ...result, changed: false };
    this.view.dispatch({
      changes: { from, to, insert: result.text },
      selection: whole ? { anchor: Math.min(main.head, result.text.length) } : { anchor: from, head: from + result.text.length },
      scrollIntoView: true,
      userEvent: 'input.format',
    });
    return { ...result, changed: true };
  }

  /** markDangers marks statements safe mode refused or asks about; an empty list clears the marks. */
  markDangers(marks: DangerMark[]): void {
    this.view.dispatch({ effects: setDangerMarks.of(marks) });
  }

  setDark(dark: boolean): void {
    this.view.dispatch({ effects: themeCompartment.reconfigure(themeExtension(dark)) });
  }

  /** setSchema switches completion to the given tables/columns; null/undefined = keywords only. */
  setSchema(schema: Schema | null | undefined, defaultSchema = 'public'): void {
    this.view.dispatch({ effects: languageCompartment.reconfigure(languageExtension(schema ?? undefined, defaultSchema)) });
  }

  /**
   * showError underlines the word/token at `offset` (UTF-16 code units into
   * the document) with a lint error and a gutter marker; it replaces any
   * previous error. The marker follows later edits.
   */
  showError(offset: number, message: string): void {
    this.marked = true;
    this.view.dispatch(showErrorSpec(this.view.state, offset, message));
  }

  clearError(): void {
    if (!this.marked) return;
    this.marked = false;
    this.view.dispatch(clearErrorSpec(this.view.state));
  }

  /** jumpToError puts the cursor on the error marker, scrolls to it and focuses the editor. */
  jumpToError(): boolean {
    const pos = errorPosition(this.view.state);
    if (pos === null) return false;
    this.view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    this.view.focus();
    return true;
  }

  focus(): void {
    this.view.focus();
  }

  destroy(): void {
    this.view.destroy();
  }
}
