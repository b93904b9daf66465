// Formatting SQL in the PostgreSQL dialect, with a guarantee: a statement
// is only ever replaced by a formatting whose significant tokens are the
// same (see sameTokens); one the formatter would change, or cannot read,
// is left exactly as it was.
// formatDialect with the one dialect keeps the others out of the bundle
// (19 kB gzipped instead of 74 kB).
// The editor loads this module (and sql-formatter) on first use: see
// SqlEditor.format.
import { formatDialect, postgresql } from 'sql-formatter';
import { defaultFormatOptions, type FormatOptions, type FormatResult } from './formatOptions';
import { isTrivia, splitStatements, tokens, type Token } from './sqlTokens';

export { defaultFormatOptions, type FormatOptions, type FormatResult, type KeywordCase } from './formatOptions';

/**
 * formatSQL formats a script or a statement (the selection or the whole
 * editor). Each statement is formatted on its own and kept only if its
 * significant tokens are unchanged; the text between statements (the
 * semicolons, comments, blank lines) stays as it was, but for the space
 * before each semicolon.
 */
export function formatSQL(sql: string, options: Partial<FormatOptions> = {}): FormatResult {
  const opts = { ...defaultFormatOptions, ...options };
  const stmts = splitStatements(sql);
  let out = '';
  let at = 0;
  let formatted = 0;
  let kept = 0;
  for (const st of stmts) {
    out += sql.slice(at, st.start);
    const f = formatStatement(st.sql, opts);
    if (f === null) {
      out += st.sql;
      kept++;
    } else {
      out += f;
      formatted++;
    }
    at = st.end;
    // "select 1  ;" → "select 1;"
    const rest = sql.slice(at);
    const gap = rest.match(/^[ \t\r\n]+;/);
    if (gap) at += gap[0].length - 1;
  }
  out += sql.slice(at);
  return { text: out, formatted, kept };
}

/** formatStatement returns stmt formatted, or null when that would change its tokens. */
export function formatStatement(stmt: string, opts: FormatOptions): string | null {
  let text: string;
  try {
    text = formatDialect(stmt, {
      dialect: postgresql,
      keywordCase: opts.keywordCase,
      dataTypeCase: opts.keywordCase,
      functionCase: 'preserve',
      identifierCase: 'preserve',
      useTabs: opts.indent === 'tab',
      tabWidth: opts.indent === 'tab' ? 2 : Math.min(Math.max(Math.round(opts.indent), 1), 8),
      linesBetweenQueries: 1,
    });
  } catch {
    return null;
  }
  text = text.replace(/\s+$/, ''); // a statement ends at its last token
  return sameTokens(stmt, text) ? text : null;
}

/**
 * significant is what must survive formatting: every token but whitespace,
 * unquoted identifiers and keywords lower-cased (the server folds them),
 * comments with their trailing whitespace trimmed, and one thing whitespace
 * decides: two string constants in a row are one string only when a
 * newline separates them ('a'\n'b' is 'ab'; 'a' 'b' is an error), so a
 * newline between them is a token too.
 */
export function significant(sql: string): string[] {
  const out: string[] = [];
  let lastKind = '';
  let newline = false;
  for (const t of tokens(sql)) {
    if (t.kind === 'space' || isTrivia(t)) {
      newline ||= t.text.includes('\n');
      if (t.kind === 'space') continue;
    }
    if (t.kind === 'string' && lastKind === 'string' && newline) out.push('newline');
    if (t.kind === 'ident') out.push('i:' + t.text.toLowerCase());
    else if (isTrivia(t)) out.push('c:' + t.text.replace(/\s+$/, ''));
    else out.push(t.kind[0] + ':' + t.text);
    if (!isTrivia(t)) {
      lastKind = t.kind;
      newline = false;
    }
  }
  return out;
}

/** sameTokens reports whether a and b have the same significant tokens. */
export function sameTokens(a: string, b: string): boolean {
  const ta = significant(a);
  const tb = significant(b);
  return ta.length === tb.length && ta.every((t, i) => t === tb[i]);
}
