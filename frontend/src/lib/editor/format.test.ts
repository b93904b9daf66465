import { describe, expect, test } from 'vitest';
import { defaultFormatOptions, formatSQL, formatStatement, sameTokens, significant, type FormatOptions } from './format';
import { splitStatements, tokens } from './sqlTokens';

// Node's fs, typed here: the frontend does not depend on @types/node.
type FS = { readFileSync(path: string, enc: 'utf8'): string; readdirSync(path: string): string[] };
const fsModule = 'node:fs';
const fs = (await import(/* @vite-ignore */ fsModule)) as FS;
// Vitest runs in frontend/.
const repo = '..';
const read = (path: string) => fs.readFileSync(`${repo}/${path}`, 'utf8');

/** goString reads the Go string literal of a fuzz corpus line: string("…"). */
function goString(line: string): string | null {
  const m = line.match(/^string\("(.*)"\)$/);
  if (!m || m[1] === undefined) return null;
  return m[1].replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => {
    switch (e[0]) {
      case 'x':
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      default:
        return e;
    }
  });
}

/** The corpus: the lexer's fuzz corpus, the demo's queries and the hard cases. */
function corpus(): { source: string; sql: string }[] {
  const out: { source: string; sql: string }[] = [];
  for (const dir of ['FuzzDetectKind', 'FuzzSplit']) {
    const path = `backend/query/testdata/fuzz/${dir}`;
    for (const f of fs.readdirSync(`${repo}/${path}`).sort()) {
      for (const line of read(`${path}/${f}`).split('\n')) {
        const sql = goString(line.trim());
        if (sql !== null) out.push({ source: `${path}/${f}`, sql });
      }
    }
  }
  for (const path of ['backend/internal/demo/seed.sql', 'backend/internal/demo/welcome.sql', 'backend/query/testdata/format/hard.sql']) {
    out.push({ source: path, sql: read(path) });
  }
  return out;
}

const variants: FormatOptions[] = [defaultFormatOptions, { keywordCase: 'lower', indent: 'tab' }];

describe('the formatter keeps what SQL means', () => {
  for (const { source, sql } of corpus()) {
    for (const opts of variants) {
      test(`${source} (${opts.keywordCase}, ${opts.indent})`, () => {
        const out = formatSQL(sql, opts).text;
        // Every statement keeps its tokens, and the script its statements.
        const before = splitStatements(sql);
        const after = splitStatements(out);
        expect(after.length).toBe(before.length);
        before.forEach((st, i) => expect(significant(after[i]?.sql ?? '')).toEqual(significant(st.sql)));
        expect(sameTokens(sql, out)).toBe(true);
        // Formatting again changes nothing.
        expect(formatSQL(out, opts).text).toBe(out);
      });
    }
  }

  test('the demo and the hard cases are formatted, not just left alone', () => {
    for (const path of ['backend/internal/demo/welcome.sql', 'backend/query/testdata/format/hard.sql', 'backend/internal/demo/seed.sql']) {
      const r = formatSQL(read(path));
      expect(r.formatted / (r.formatted + r.kept), path).toBeGreaterThan(0.9);
    }
  });

  // The golden file is what TestFormattedCorpus (backend/query) sends to a
  // real server, original and formatted. Regenerate it with
  // `npx vitest run -u src/lib/editor/format.test.ts` after changing the
  // formatter or the corpus.
  test('the corpus the server checks is up to date', async () => {
    const entries = corpus().flatMap(({ source, sql }) =>
      variants.map((options) => ({ source, options, original: sql, formatted: formatSQL(sql, options).text })),
    );
    await expect(JSON.stringify(entries, null, 1) + '\n').toMatchFileSnapshot(`../../../../backend/query/testdata/format/golden.json`);
  });
});

describe('formatSQL', () => {
  test('formats keywords and indentation as asked', () => {
    const sql = 'select a, b from t where a = 1 and b in (select x from u)';
    expect(formatSQL(sql).text).toBe('SELECT\n  a,\n  b\nFROM\n  t\nWHERE\n  a = 1\n  AND b IN (\n    SELECT\n      x\n    FROM\n      u\n  )');
    expect(formatSQL(sql, { keywordCase: 'lower', indent: 4 }).text).toContain('select\n    a,\n    b\nfrom\n');
    expect(formatSQL(sql, { keywordCase: 'preserve', indent: 'tab' }).text).toContain('select\n\ta,');
    expect(formatSQL('SELECT 1', { keywordCase: 'lower' }).text).toBe('select\n  1');
  });

  test('never touches strings, dollar quotes, quoted identifiers or comments', () => {
    const sql = `select E'a\\'b\\n', $q$ select  from ; $q$, "MiXed ""Q""", 'x''y' -- keep   me
from "T" /* and   me */`;
    const out = formatSQL(sql).text;
    for (const part of [`E'a\\'b\\n'`, '$q$ select  from ; $q$', '"MiXed ""Q"""', `'x''y'`, '-- keep   me', '/* and   me */', '"T"']) {
      expect(out).toContain(part);
    }
    expect(out).toContain('SELECT');
  });

  test('leaves a statement it cannot format faithfully as it was', () => {
    // The formatter turns the string continuation into something else.
    const tricky = "select 'multi'\n  'line'";
    expect(formatStatement(tricky, defaultFormatOptions)).toBeNull();
    const script = `select 1;\n${tricky};\nselect 2`;
    const r = formatSQL(script);
    expect(r).toEqual({ text: `SELECT\n  1;\n${tricky};\nSELECT\n  2`, formatted: 2, kept: 1 });
  });

  test('keeps what lies between statements, without the space before a semicolon', () => {
    // The comment before a statement is part of it (as in the backend's
    // Split), and the formatter lays it out with the statement.
    const r = formatSQL('  select 1  ;\n\n-- next\n\nselect 2 -- end\n');
    expect(r.text).toBe('  SELECT\n  1;\n\n-- next\nSELECT\n  2 -- end\n');
  });

  test('an empty or comment-only text stays as it is', () => {
    for (const sql of ['', '   ', '-- nothing\n', '/* x */;;']) {
      expect(formatSQL(sql).text).toBe(sql);
    }
  });
});

describe('the lexer', () => {
  test('cuts like the server', () => {
    const kinds = (sql: string) => tokens(sql).filter((t) => t.kind !== 'space').map((t) => `${t.kind}:${t.text}`);
    expect(kinds(`a>=-1`)).toEqual(['ident:a', 'operator:>=', 'operator:-', 'number:1']);
    expect(kinds(`a@-1`)).toEqual(['ident:a', 'operator:@-', 'number:1']);
    expect(kinds(`x::int, $1, $$a$$, $t$b$t$, U&"c", E'd\\''`)).toEqual([
      'ident:x', 'punct:::', 'ident:int', 'punct:,', 'param:$1', 'punct:,', 'dollarString:$$a$$', 'punct:,',
      'dollarString:$t$b$t$', 'punct:,', 'quotedIdent:U&"c"', 'punct:,', "string:E'd\\''",
    ]);
    expect(kinds('/* a /* b */ c */ 1--x')).toEqual(['blockComment:/* a /* b */ c */', 'number:1', 'lineComment:--x']);
    expect(kinds('1..5 .5e-3')).toEqual(['number:1', 'punct:.', 'number:.5', 'number:.5e-3']);
    expect(tokens("'unterminated").map((t) => t.kind)).toEqual(['string']);
  });

  test('splits scripts as the backend does', () => {
    const script = `-- lead\nselect 1; select ';'; create function f() returns int begin atomic select 1; select 2; end; select (1;2); -- tail`;
    expect(splitStatements(script).map((s) => s.sql)).toEqual([
      '-- lead\nselect 1',
      "select ';'",
      'create function f() returns int begin atomic select 1; select 2; end',
      'select (1;2)',
    ]);
  });
});
