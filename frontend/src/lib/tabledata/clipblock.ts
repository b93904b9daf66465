// Reading a block of cells from clipboard text: TSV (what Tusk's Ctrl+C and
// spreadsheets write) or CSV (RFC 4180), told apart by detectFormat.
//
// NULL survives a copy and paste in both formats, as lib/results/copy.ts
// writes it:
//   - TSV uses the PostgreSQL COPY text convention: \N alone in a field is
//     NULL, an empty field is the empty string, and \t \n \r \\ inside a
//     field are a tab, a newline, a carriage return and a backslash. Text
//     from elsewhere (a spreadsheet) does not escape its backslashes, so the
//     escapes are read only when every backslash of the block is one of
//     them; otherwise every field is taken literally ("C:\Users" stays as
//     it is).
//   - CSV: an empty unquoted field is NULL and "" is the empty string.
// Spreadsheets put a cell that holds a line break or a tab between quotes
// (doubling its quotes) in their TSV too: such a field is unquoted. One line
// break at the very end of the text (spreadsheets add it) ends the last row
// rather than starting an empty one.

import type { Cell } from '../results/copy';

export type ClipFormat = 'tsv' | 'csv';

export interface Block {
  format: ClipFormat;
  /** Rows of cells; rows may differ in length (ragged). */
  rows: Cell[][];
  /** The longest row's length. */
  width: number;
}

/**
 * Returns the format of clipboard text: TSV when its first row has a tab
 * outside quotes; CSV when it has no tab but a comma outside quotes that is
 * not followed by a space ("Smith, John" is one TSV value, not two CSV
 * ones); TSV otherwise (one column).
 */
export function detectFormat(text: string): ClipFormat {
  let tabs = 0;
  let quoted = false;
  let fieldStart = true;
  let csv = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === '\t') {
      tabs++;
      fieldStart = true;
    } else if (c === ',') {
      if (text[i + 1] !== ' ') csv = true;
      fieldStart = true;
    } else if (c === '\n' || c === '\r') {
      break;
    } else fieldStart = false;
  }
  if (quoted) {
    // An opening quote that never closes is text: look at the first line as it is.
    const line = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
    if (line.includes('\t')) return 'tsv';
    return /,(?! )/.test(line) ? 'csv' : 'tsv';
  }
  return tabs === 0 && csv ? 'csv' : 'tsv';
}

/** Parses clipboard text in the given format, or the detected one. Empty text is no rows. */
export function parseBlock(text: string, format: ClipFormat = detectFormat(text)): Block {
  const rows = text === '' ? [] : format === 'csv' ? parseCSV(text) : parseTSV(text);
  return { format, rows, width: rows.reduce((w, r) => Math.max(w, r.length), 0) };
}

const isEnd = (c: string | undefined) => c === undefined || c === '\n' || c === '\r';

/** Drops the one line break that ends the text (it ends the last row). */
function trimFinalBreak(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n') || text.endsWith('\r')) return text.slice(0, -1);
  return text;
}

/** Whether every backslash of the text starts a COPY escape this reader knows (\N only as a whole field). */
function copyEscaped(text: string): boolean {
  for (let i = text.indexOf('\\'); i >= 0; i = text.indexOf('\\', i)) {
    const next = text[i + 1];
    if (next === '\\' || next === 't' || next === 'n' || next === 'r') i += 2;
    else if (next === 'N' && (i === 0 || isEnd(text[i - 1]) || text[i - 1] === '\t') && (isEnd(text[i + 2]) || text[i + 2] === '\t')) i += 2;
    else return false;
  }
  return true;
}

const unescapes: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };

export function parseTSV(input: string): Cell[][] {
  const text = trimFinalBreak(input);
  const escaped = copyEscaped(text);
  const rows: Cell[][] = [];
  let row: Cell[] = [];
  let i = 0;
  for (;;) {
    let value: Cell;
    const quotedEnd = text[i] === '"' ? closingQuote(text, i) : -1;
    if (quotedEnd >= 0) {
      value = text.slice(i + 1, quotedEnd).replaceAll('""', '"');
      i = quotedEnd + 1;
    } else {
      let j = i;
      while (j < text.length && text[j] !== '\t' && !isEnd(text[j])) j++;
      const raw = text.slice(i, j);
      value = !escaped ? raw : raw === '\\N' ? null : raw.replace(/\\([\\tnr])/g, (_, c: string) => unescapes[c]!);
      i = j;
    }
    row.push(value);
    if (text[i] === '\t') {
      i++;
      continue;
    }
    rows.push(row);
    row = [];
    if (i >= text.length) return rows;
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
  }
}

/**
 * Where a spreadsheet's quoted TSV field that starts at `start` ends (the
 * index of its closing quote), or -1 when the field is not one: it must
 * close right before a tab, a line break or the end, and hold something
 * that needed the quotes (a tab, a line break or a doubled quote).
 */
function closingQuote(text: string, start: number): number {
  let needed = false;
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '"') {
      if (text[j + 1] === '"') {
        needed = true;
        j++;
        continue;
      }
      const after = text[j + 1];
      return needed && (after === '\t' || isEnd(after)) ? j : -1;
    }
    if (c === '\t' || c === '\n' || c === '\r') needed = true;
  }
  return -1;
}

export function parseCSV(input: string): Cell[][] {
  const text = trimFinalBreak(input);
  const rows: Cell[][] = [];
  let row: Cell[] = [];
  let i = 0;
  for (;;) {
    let value: Cell;
    if (text[i] === '"') {
      let v = '';
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] !== '"') v += text[j];
        else if (text[j + 1] === '"') {
          v += '"';
          j++;
        } else break;
      }
      // Anything between the closing quote and the separator is kept, as most readers do.
      let k = j + 1;
      while (k < text.length && text[k] !== ',' && !isEnd(text[k])) k++;
      value = v + text.slice(Math.min(j + 1, text.length), k);
      i = k;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && !isEnd(text[j])) j++;
      value = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(value);
    if (text[i] === ',') {
      i++;
      continue;
    }
    rows.push(row);
    row = [];
    if (i >= text.length) return rows;
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
  }
}
