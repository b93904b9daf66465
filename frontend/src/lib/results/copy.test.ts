import { describe, expect, it } from 'vitest';
import shared from '../../../../backend/resultset/testdata/csv-fields.json';
import { escapeCSV, escapeTSV, jsonKeys, toCSV, toJSON, toTSV } from './copy';

describe('TSV', () => {
  it('escapes tabs, newlines and backslashes; NULL is \\N', () => {
    expect(escapeTSV('a\tb\nc\r\\d')).toBe('a\\tb\\nc\\r\\\\d');
    expect(escapeTSV(null)).toBe('\\N');
    expect(escapeTSV('')).toBe('');
    expect(toTSV([['1', null], ['x\ty', 'z']])).toBe('1\t\\N\nx\\ty\tz');
    expect(toTSV([['1']], ['id'])).toBe('id\n1');
  });
});

describe('CSV', () => {
  // The rules of the file export, shared with its Go tests.
  const rules = shared as { fields: { value: string | null; field: string }[] };

  it('quotes every field as the CSV export does', () => {
    expect(rules.fields.length).toBeGreaterThan(10);
    for (const { value, field } of rules.fields) expect([value, escapeCSV(value)]).toEqual([value, field]);
  });

  it('writes a header and ends every record with a newline, as the export', () => {
    expect(toCSV([['1', null], ['2', 'a,b']], ['id', 'v'])).toBe('id,v\n1,\n2,"a,b"\n');
    expect(toCSV([['x']])).toBe('x\n');
    expect(toCSV([])).toBe('');
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
