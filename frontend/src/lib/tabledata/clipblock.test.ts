import { describe, expect, it } from 'vitest';
import { toCSV, toTSV } from '../results/copy';
import { detectFormat, parseBlock, parseCSV, parseTSV } from './clipblock';

describe('parseTSV', () => {
  it('splits rows on \\n and \\r\\n and cells on tabs', () => {
    expect(parseTSV('a\tb\n1\t2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseTSV('a\tb\r\n1\t2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('takes one final line break as the end of the last row, not an empty row', () => {
    expect(parseTSV('a\n')).toEqual([['a']]);
    expect(parseTSV('a\n\n')).toEqual([['a'], ['']]);
    expect(parseTSV('a\tb\n')).toEqual([['a', 'b']]);
  });

  it('reads \\N as NULL and the COPY escapes; an empty field is the empty string', () => {
    expect(parseTSV('\\N\t\tNULL\tx\\ty\\nz\\\\')).toEqual([[null, '', 'NULL', 'x\ty\nz\\']]);
    expect(parseTSV('a\\rb')).toEqual([['a\rb']]);
  });

  it('keeps backslashes as they are when the block is not COPY-escaped', () => {
    expect(parseTSV('C:\\Users\\temp\tx\\ty')).toEqual([['C:\\Users\\temp', 'x\\ty']]);
    expect(parseTSV('a\\N\tb')).toEqual([['a\\N', 'b']]);
  });

  it('unquotes a spreadsheet cell holding line breaks, tabs or quotes', () => {
    expect(parseTSV('"two\nlines"\tx\ny\t"a\tb"')).toEqual([['two\nlines', 'x'], ['y', 'a\tb']]);
    expect(parseTSV('"say ""hi"""\t1')).toEqual([['say "hi"', '1']]);
    // Quotes that did not need to be there are text (Tusk writes such values as they are).
    expect(parseTSV('"hi"\t"x')).toEqual([['"hi"', '"x']]);
  });

  it('keeps ragged rows as they are', () => {
    expect(parseTSV('a\tb\tc\n1\n2\t3')).toEqual([['a', 'b', 'c'], ['1'], ['2', '3']]);
  });

  it('round-trips what Ctrl+C writes, NULL and the empty string included', () => {
    const rows = [
      ['1', null, ''],
      ['NULL', 'tab\there', 'line\nbreak\r\n'],
      ['back\\slash', '"quoted"', '\\N'],
    ];
    expect(parseTSV(toTSV(rows))).toEqual(rows);
  });
});

describe('parseCSV', () => {
  it('reads RFC 4180: quotes, doubled quotes, commas, line breaks and tabs inside quotes', () => {
    expect(parseCSV('a,"b,c","say ""hi"""\r\n"two\nlines","t\tab",x\r\n')).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['two\nlines', 't\tab', 'x'],
    ]);
  });

  it('reads an empty unquoted field as NULL and "" as the empty string', () => {
    expect(parseCSV('1,,""\n,"",NULL')).toEqual([['1', null, ''], [null, '', 'NULL']]);
  });

  it('keeps ragged rows and one final line break ends the last row', () => {
    expect(parseCSV('a,b,c\n1\n')).toEqual([['a', 'b', 'c'], ['1']]);
  });

  it('round-trips what Copy as CSV writes', () => {
    const rows = [
      ['1', null, ''],
      [' lead', 'a,b', 'q"uote\nnl'],
    ];
    expect(parseCSV(toCSV(rows))).toEqual(rows);
  });
});

describe('detectFormat', () => {
  it('takes a tab in the first row as TSV, even with commas', () => {
    expect(detectFormat('a,b\tc\n1\t2')).toBe('tsv');
    expect(detectFormat('"x\ty",1\t2')).toBe('tsv');
  });

  it('takes commas without tabs as CSV, looking past quoted line breaks', () => {
    expect(detectFormat('id,name\n1,apple')).toBe('csv');
    expect(detectFormat('"two\nlines\twith a tab",x')).toBe('csv');
  });

  it('takes one column of text as TSV, also when it has ", "', () => {
    expect(detectFormat('Smith, John\nDoe, Jane')).toBe('tsv');
    expect(detectFormat('apple\npear')).toBe('tsv');
    expect(detectFormat('"unclosed, quote')).toBe('tsv');
  });

  it('parseBlock reports the format, the rows and the widest row', () => {
    expect(parseBlock('a,b,c\n1')).toEqual({ format: 'csv', rows: [['a', 'b', 'c'], ['1']], width: 3 });
    expect(parseBlock('')).toEqual({ format: 'tsv', rows: [], width: 0 });
    expect(parseBlock('x,y', 'tsv').rows).toEqual([['x,y']]);
  });
});
