// Pasting clipboard text into an editable grid — a data tab or an editable
// query result. paste.ts plans where a block lands; this reads the rows it
// lands on (from the server where they are not loaded, and whole where a
// loaded value was cut), applies the plan as one undo step and says what it
// did. Where the rows come from is the PasteRows of the grid.
import { api, AppError, type CellText, type TableValue } from '../api';
import { readText } from '../shared/clipboard';
import { countOf, formatCount as fmt } from '../shared/numbers';
import { parseBlock } from './clipblock';
import type { RowEditor } from './editor.svelte';
import { footprint, MAX_PASTE_ROWS, planPaste, skippedText, withoutHeader, type Footprint, type PasteRow } from './paste';
import { rowKey } from './pending.svelte';
import { cellValue } from './values';

/** The rows of a grid below its new rows, as a paste reads them. */
export interface PasteRows {
  /** Makes rows [lo, hi) readable by at() (reads them from the server where needed). */
  ensure(lo: number, hi: number): Promise<void>;
  /** The row at pos as loaded, 'removed' when a commit deleted it, undefined when not loaded. */
  at(pos: number): { row: CellText[]; truncated: readonly number[] } | 'removed' | undefined;
  /** How many rows there are, or -1 while not known: a paste past the last row adds new rows. */
  end(): number;
  /** Changes when the rows are read again: a paste that saw it change applies nothing. */
  stamp(): unknown;
}

/** Rows read per request while a paste reads the rows it lands on. */
const CHUNK = 1000;
/** Cut cells a paste reads whole (one request each); beyond, they are skipped. */
const MAX_CUT_CELLS = 200;

const message = (e: unknown) => (e instanceof AppError ? e.info.message : String(e));

export class Paster {
  readonly editor: RowEditor;
  readonly rows: PasteRows;
  /** A paste is reading the rows it lands on. */
  pasting = $state(false);

  constructor(editor: RowEditor, rows: PasteRows) {
    this.editor = editor;
    this.rows = rows;
  }

  /** Whether a paste may start now (no cell editor or review open). */
  get allowed(): boolean {
    return !!this.editor.host.relation && !this.editor.editing && !this.editor.reviewing && !this.pasting;
  }

  /**
   * Pastes clipboard text (TSV or CSV, see clipblock.ts) from the selected
   * cell (a larger selection is filled, see footprint), or with `asRows` as
   * new rows. Rows past the last row become new rows. One undo step.
   */
  async paste(text: string, asRows: boolean): Promise<void> {
    const editor = this.editor;
    const relation = editor.host.relation;
    if (!relation || this.pasting) return;
    if (!editor.editable) {
      editor.status = `Nothing can be pasted here: ${relation.readOnlyReason || 'the rows cannot be edited'}`;
      return;
    }
    const parsed = parseBlock(text);
    if (parsed.rows.length === 0) {
      editor.status = 'The clipboard holds no text to paste';
      return;
    }
    const sel = editor.selection?.range;
    if (!asRows && !sel) {
      editor.status = 'Select the cell to paste at';
      return;
    }
    // The block lands on grid columns: with columns hidden or moved, those
    // are not the relation's; the plan is made in grid columns and mapped.
    const shown = editor.gridColumns();
    const columns = shown.map((c) => relation.columns[c]!);
    const col = sel?.c0 ?? 0;
    const { block, header } = withoutHeader(parsed, columns, col);
    const pending = editor.pending;
    const inserts = pending.state.inserts;
    const stamp = this.rows.stamp();
    const at: Footprint =
      asRows || !sel
        ? { row: 0, col, rows: block.rows.length, cols: Math.min(block.width, columns.length - col), tiled: false }
        : footprint(block, sel, columns.length);
    if (at.rows > MAX_PASTE_ROWS) {
      editor.status = `A paste may cover at most ${fmt(MAX_PASTE_ROWS)} rows; this one covers ${fmt(at.rows)}`;
      return;
    }
    this.pasting = true;
    editor.problem = null;
    try {
      const targets: PasteRow[] = asRows ? Array<PasteRow>(at.rows).fill(null) : await this.#targets(at);
      if (!asRows) await this.#readCutCells(targets, at, shown);
      if (this.rows.stamp() !== stamp || pending.state.inserts !== inserts) {
        editor.status = 'The rows changed while the paste was reading them: paste again';
        return;
      }
      const started = performance.now();
      const plan = planPaste(columns, block, at, targets, { canUpdate: relation.canUpdate, canInsert: relation.canInsert });
      // Back to relation columns.
      plan.cells = plan.cells.map((c) => ({ ...c, col: shown[c.col]! }));
      plan.inserts = plan.inserts.map((r) => Object.fromEntries(Object.entries(r).map(([c, v]) => [shown[Number(c)]!, v])));
      // An update compares the loaded value: a cell still cut could never match.
      const whole = plan.cells.filter((c) => 'insert' in c.target || !c.target.row.truncated?.includes(c.col));
      if (whole.length < plan.cells.length) plan.skipped.set('their loaded value was cut and could not be read whole', plan.cells.length - whole.length);
      plan.cells = whole;
      pending.paste(plan.cells, plan.inserts);
      // What the user waits for: planning, applying and the next frame painted with the rows.
      requestAnimationFrame(() => requestAnimationFrame(() => api.reportTiming('data_paste_ms', performance.now() - started)));
      const n = plan.cells.length;
      const added = plan.inserts.length;
      const what = [n || !added ? countOf(n, 'cell') : '', added ? `${countOf(added, 'new row')} (on top)` : ''];
      const parts = [
        `Pasted ${what.filter(Boolean).join(' and ')} from ${block.format.toUpperCase()}${header ? ', without its header row' : ''}`,
        skippedText(plan.skipped),
        plan.invalid ? `${countOf(plan.invalid, 'value')} cannot be ${plan.invalid === 1 ? 'its' : 'their'} column’s type: marked in red` : '',
      ];
      editor.status = parts.filter(Boolean).join('. ');
      if (added) editor.grid?.scrollToRow(0);
    } catch (e) {
      editor.status = `Nothing was pasted: ${message(e)}`;
    } finally {
      this.pasting = false;
    }
  }

  /** Paste rows (a toolbar button, Ctrl+Shift+V, the command): reads the clipboard itself. */
  async pasteClipboardRows(): Promise<void> {
    if (!this.allowed) return;
    let text: string;
    try {
      text = await readText();
    } catch (e) {
      this.editor.status = `The clipboard could not be read: ${message(e)}`;
      return;
    }
    await this.paste(text, true);
  }

  /** Ctrl+Shift+V in an editable grid: Paste rows. True when the key was taken. */
  key(e: KeyboardEvent): boolean {
    if (!this.editor.editable || !(e.ctrlKey || e.metaKey) || !e.shiftKey || e.altKey || e.key.toLowerCase() !== 'v') return false;
    void this.pasteClipboardRows();
    return true;
  }

  /**
   * Ctrl+V on the grid inside root(): the paste event carries the text in
   * every webview (no clipboard permission needed). Returns the remover.
   */
  listen(root: () => HTMLElement | undefined): () => void {
    const onpaste = (e: ClipboardEvent) => {
      const grid = root()?.querySelector('[data-testid="grid"]');
      if (!grid || document.activeElement !== grid || !this.allowed) return;
      e.preventDefault();
      void this.paste(e.clipboardData?.getData('text/plain') ?? '', false);
    };
    window.addEventListener('paste', onpaste);
    return () => window.removeEventListener('paste', onpaste);
  }

  /** The grid rows a paste lands on, read from the server where not loaded; null past the last row. */
  async #targets(at: Footprint): Promise<PasteRow[]> {
    const relation = this.editor.host.relation!;
    const pending = this.editor.pending;
    const inserts = pending.state.inserts;
    const out: PasteRow[] = [];
    for (let from = at.row; from < at.row + at.rows; from += CHUNK) {
      const to = Math.min(at.row + at.rows, from + CHUNK);
      const lo = Math.max(0, from - inserts.length);
      const hi = to - inserts.length;
      if (hi > lo) await this.rows.ensure(lo, hi);
      for (let g = from; g < to; g++) {
        if (g < inserts.length) {
          out.push({ insert: inserts[g]!.id });
          continue;
        }
        const pos = g - inserts.length;
        const got = this.rows.at(pos);
        const end = this.rows.end();
        if (got === 'removed') out.push('deleted');
        else if (got) {
          const key = rowKey(relation, got.row);
          out.push(pending.edit(key)?.deleted ? 'deleted' : { row: { key, row: got.row, truncated: [...got.truncated] } });
        } else if (end >= 0 && pos >= end) out.push(null);
        else throw new Error(`row ${fmt(g + 1)} could not be read`);
      }
    }
    return out;
  }

  /**
   * Reads whole the cut cells a paste overwrites (an update compares the
   * loaded value, which must be whole); those that could not be read stay
   * marked cut. `shown` maps the footprint's grid columns to the relation's.
   */
  async #readCutCells(targets: PasteRow[], at: Footprint, shown: readonly number[]): Promise<void> {
    const relation = this.editor.host.relation!;
    const handle = this.editor.host.handle!;
    const covered = new Set(shown.slice(at.col, at.col + at.cols));
    let read = 0;
    for (const t of targets) {
      if (!t || t === 'deleted' || 'insert' in t || !t.row.truncated?.length) continue;
      const loaded = t.row;
      for (const c of [...(loaded.truncated ?? [])]) {
        if (!covered.has(c)) continue;
        const column = relation.columns[c]!;
        const key: Record<string, TableValue> = {};
        for (const k of relation.key) key[k] = cellValue(loaded.row[relation.columns.findIndex((x) => x.name === k)] ?? null);
        const full = read++ < MAX_CUT_CELLS ? await api.tableCellValue(handle, key, column.name).catch(() => null) : null;
        if (!full?.found) continue;
        const row = [...loaded.row];
        row[c] = full.value;
        loaded.row = row;
        loaded.truncated = (loaded.truncated ?? []).filter((x) => x !== c);
      }
    }
  }
}
