import { describe, expect, it } from 'vitest';
import { escapeCSV, escapeTSV, jsonKeys, toCSV, toJSON, toTSV } from './copy';

describe('TSV', () => {
  it('escapes tabs, newlines and backslashes; NULL is empty', () => {
    expect(escapeTSV('a\tb\nc\r\\d')).toBe('a\\tb\\nc\\r\\\\d');
    expect(escapeTSV(null)).toBe('');
    expect(toTSV([['1', null], ['x\ty', 'z']])).toBe('1\t\nx\\ty\tz');
    expect(toTSV([['1']], ['id'])).toBe('id\n1');
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180', () => {
    expect(escapeCSV('plain')).toBe('plain');
    expect(escapeCSV('a,b')).toBe('"a,b"');
    expect(escapeCSV('say "hi"')).toBe('"say ""hi"""');
    expect(escapeCSV('line\nbreak')).toBe('"line\nbreak"');
    expect(escapeCSV('')).toBe('""');
    expect(escapeCSV(null)).toBe('');
    expect(toCSV([['1', null], ['2', 'a,b']], ['id', 'v'])).toBe('id,v\r\n1,\r\n2,"a,b"\r\n');
  });
});

describe('JSON', () => {
  it('keys objects by column name with null for NULL', () => {
    const out = JSON.parse(toJSON([['1', null]], ['id', 'v']));
    expect(out).toEqual([{ id: '1', v: null }]);
  });

  it('disambiguates duplicate names', () => {
    expect(jsonKeys(['a', 'a', 'b', 'a'])).toEqual(['a', 'a_2', 'b', 'a_3']);
    expect(JSON.parse(toJSON([['1', '2']], ['a', 'a']))).toEqual([{ a: '1', a_2: '2' }]);
  });
});
