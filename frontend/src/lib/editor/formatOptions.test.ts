import { describe, expect, it } from 'vitest';
import { defaultFormatOptions, formatSQL } from './format';
import { formatOptionsFrom } from './formatOptions';

describe('formatOptionsFrom', () => {
  it('keeps options the formatter knows', () => {
    expect(formatOptionsFrom({ keywordCase: 'lower', indent: 4 })).toEqual({ keywordCase: 'lower', indent: 4 });
    expect(formatOptionsFrom({ keywordCase: 'preserve', indent: 'tab' })).toEqual({ keywordCase: 'preserve', indent: 'tab' });
    expect(formatOptionsFrom({ keywordCase: 'upper', indent: 1 })).toEqual({ keywordCase: 'upper', indent: 1 });
    expect(formatOptionsFrom({ keywordCase: 'upper', indent: 8 })).toEqual({ keywordCase: 'upper', indent: 8 });
  });

  it('falls back to the default for each option it cannot read', () => {
    expect(formatOptionsFrom(null)).toEqual(defaultFormatOptions);
    expect(formatOptionsFrom('upper')).toEqual(defaultFormatOptions);
    expect(formatOptionsFrom({ keywordCase: 'UPPER', indent: 4 })).toEqual({ keywordCase: defaultFormatOptions.keywordCase, indent: 4 });
    for (const indent of [0, 9, 2.5, '4', -1, null]) {
      expect(formatOptionsFrom({ keywordCase: 'lower', indent })).toEqual({ keywordCase: 'lower', indent: defaultFormatOptions.indent });
    }
  });

  it('gives the formatter what the dialog shows', () => {
    const sql = 'select a from t where b = 1';
    expect(formatSQL(sql, formatOptionsFrom({ keywordCase: 'lower', indent: 4 })).text).toBe('select\n    a\nfrom\n    t\nwhere\n    b = 1');
    expect(formatSQL(sql, formatOptionsFrom({ keywordCase: 'upper', indent: 'tab' })).text).toBe('SELECT\n\ta\nFROM\n\tt\nWHERE\n\tb = 1');
  });
});
