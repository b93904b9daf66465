// A PostgreSQL lexer for the editor, the same rules as the backend's
// (backend/query/lexer.go): strings in all their forms, dollar quotes,
// nested comments, quoted identifiers, operators cut the way the server
// cuts them. It never fails: malformed input becomes a token that runs to
// the end. Offsets are UTF-16 code units (string indexes).

export type TokenKind =
  | 'space'
  | 'lineComment'
  | 'blockComment'
  | 'string'
  | 'dollarString'
  | 'ident'
  | 'quotedIdent'
  | 'number'
  | 'param'
  | 'operator'
  | 'punct'
  | 'other';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  text: string;
}

const opChars = '+-*/<>=~!@#%^&|`?';
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isHex = (c: string) => isDigit(c) || (c.toLowerCase() >= 'a' && c.toLowerCase() <= 'f');
// PostgreSQL: ASCII letters, '_' and every non-ASCII character.
const isIdentStart = (c: string) => (c.toLowerCase() >= 'a' && c.toLowerCase() <= 'z') || c === '_' || c.charCodeAt(0) >= 0x80;
const isOp = (c: string) => c !== '' && opChars.includes(c);

/** tokens returns every token of src, whitespace and comments included; their texts concatenate to src. */
export function tokens(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const start = i;
    const kind = scan();
    out.push({ kind, start, end: i, text: src.slice(start, i) });
  }
  return out;

  function scan(): TokenKind {
    const c = src[i] ?? '';
    const n = src[i + 1] ?? '';
    if (isSpace(c)) {
      while (i < src.length && isSpace(src[i] ?? '')) i++;
      return 'space';
    }
    if (c === '-' && n === '-') {
      const j = src.indexOf('\n', i);
      i = j < 0 ? src.length : j;
      return 'lineComment';
    }
    if (c === '/' && n === '*') {
      i = blockCommentEnd(i);
      return 'blockComment';
    }
    if (c === "'") {
      i = quotedEnd(i + 1, "'", false);
      return 'string';
    }
    if (c === '"') {
      i = quotedEnd(i + 1, '"', false);
      return 'quotedIdent';
    }
    if (c === '$') return dollar();
    if (isDigit(c) || (c === '.' && isDigit(n))) {
      i = numberEnd(i);
      return 'number';
    }
    if (isIdentStart(c)) return word();
    if (c === ':') {
      i += n === ':' || n === '=' ? 2 : 1;
      return n === '=' ? 'operator' : 'punct';
    }
    if ('()[],;.'.includes(c)) {
      i++;
      return 'punct';
    }
    if (isOp(c)) {
      let j = i + 1;
      while (j < src.length && isOp(src[j] ?? '') && !(src.startsWith('--', j) || src.startsWith('/*', j))) j++;
      const op = src.slice(i, j);
      if (op.length > 1 && !/[~!@#%^&|`?]/.test(op)) {
        while (j - i > 1 && (src[j - 1] === '+' || src[j - 1] === '-')) j--;
      }
      i = j;
      return 'operator';
    }
    i++;
    return 'other';
  }

  function word(): TokenKind {
    const c = (src[i] ?? '').toLowerCase();
    if (src[i + 1] === "'") {
      if (c === 'e') {
        i = quotedEnd(i + 2, "'", true);
        return 'string';
      }
      if (c === 'b' || c === 'x' || c === 'n') {
        i = quotedEnd(i + 2, "'", false);
        return 'string';
      }
    }
    if (c === 'u' && src[i + 1] === '&') {
      if (src[i + 2] === "'") {
        i = quotedEnd(i + 3, "'", false);
        return 'string';
      }
      if (src[i + 2] === '"') {
        i = quotedEnd(i + 3, '"', false);
        return 'quotedIdent';
      }
    }
    i++;
    while (i < src.length && (isIdentStart(src[i] ?? '') || isDigit(src[i] ?? '') || src[i] === '$')) i++;
    return 'ident';
  }

  function dollar(): TokenKind {
    let j = i + 1;
    if (isDigit(src[j] ?? '')) {
      while (isDigit(src[j] ?? '')) j++;
      i = j;
      return 'param';
    }
    if (isIdentStart(src[j] ?? '')) {
      while (isIdentStart(src[j] ?? '') || isDigit(src[j] ?? '')) j++;
    }
    if (src[j] === '$') {
      const delim = src.slice(i, j + 1);
      const k = src.indexOf(delim, j + 1);
      i = k < 0 ? src.length : k + delim.length;
      return 'dollarString';
    }
    i++;
    return 'other';
  }

  function quotedEnd(j: number, q: string, backslash: boolean): number {
    while (j < src.length) {
      const c = src[j];
      if (c === q) {
        if (src[j + 1] === q) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      if (c === '\\' && backslash) {
        j += 2;
        continue;
      }
      j++;
    }
    return src.length;
  }

  function blockCommentEnd(j: number): number {
    let depth = 0;
    while (j + 1 < src.length) {
      if (src[j] === '/' && src[j + 1] === '*') {
        depth++;
        j += 2;
      } else if (src[j] === '*' && src[j + 1] === '/') {
        depth--;
        j += 2;
        if (depth === 0) return j;
      } else {
        j++;
      }
    }
    return src.length;
  }

  function numberEnd(j: number): number {
    const digits = (k: number, ok: (c: string) => boolean) => {
      while (k < src.length && (ok(src[k] ?? '') || (src[k] === '_' && ok(src[k + 1] ?? '')))) k++;
      return k;
    };
    if (src[j] === '0' && j + 2 < src.length) {
      const p = (src[j + 1] ?? '').toLowerCase();
      const ok = p === 'x' ? isHex : p === 'o' ? (c: string) => c >= '0' && c <= '7' : p === 'b' ? (c: string) => c === '0' || c === '1' : null;
      if (ok && ok(src[j + 2] ?? '')) return digits(j + 2, ok);
    }
    j = digits(j, isDigit);
    if (src[j] === '.' && src[j + 1] !== '.') j = digits(j + 1, isDigit);
    if ((src[j] ?? '').toLowerCase() === 'e') {
      let k = j + 1;
      if (src[k] === '+' || src[k] === '-') k++;
      if (isDigit(src[k] ?? '')) j = digits(k, isDigit);
    }
    return j;
  }
}

/** isTrivia reports whitespace and comments, which the server ignores. */
export const isTrivia = (t: Token) => t.kind === 'space' || t.kind === 'lineComment' || t.kind === 'blockComment';

/** A statement of a script, as splitStatements finds it. */
export interface Statement {
  /** The text from its first token (comments before it included) to its last token that is not a comment. */
  sql: string;
  start: number;
  end: number;
}

/**
 * splitStatements cuts a script at top-level semicolons, as the backend's
 * query.Split does: not inside parentheses, strings, comments or the
 * BEGIN ATOMIC … END body of CREATE FUNCTION/PROCEDURE.
 */
export function splitStatements(script: string): Statement[] {
  const out: Statement[] = [];
  let first = -1;
  let last = 0;
  let paren = 0;
  let words = 0;
  let routine = '';
  let begin = 0;
  const flush = () => {
    if (last > 0) out.push({ sql: script.slice(first, last), start: first, end: last });
    first = -1;
    last = 0;
    paren = 0;
    words = 0;
    routine = '';
    begin = 0;
  };
  for (const t of tokens(script)) {
    if (t.kind === 'space') continue;
    if (t.kind === 'lineComment' || t.kind === 'blockComment') {
      if (first < 0) first = t.start;
      continue;
    }
    if (t.kind === 'punct') {
      if (t.text === ';' && paren === 0 && begin === 0) {
        flush();
        continue;
      }
      if (t.text === '(') paren++;
      if (t.text === ')') paren = Math.max(paren - 1, 0);
    }
    if (t.kind === 'ident') {
      const w = t.text.toLowerCase();
      if (words < 4 && ['create', 'or', 'replace', 'function', 'procedure'].includes(w)) routine += w[0];
      else if (words < 4) routine += '-';
      words++;
      const inRoutine = /^c(f|p|or(f|p))/.test(routine);
      if (inRoutine && paren === 0) {
        if (w === 'begin') begin++;
        else if (w === 'case' && begin > 0) begin++;
        else if (w === 'end' && begin > 0) begin--;
      }
    }
    if (first < 0) first = t.start;
    last = t.end;
  }
  flush();
  return out;
}
