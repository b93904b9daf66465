import { describe, expect, it } from 'vitest';
import type { query } from '../../../wailsjs/go/models';
import { chooseOptions, offered } from './explainOptions';

const opt = (name: string, def = false, needsAnalyze = false) => ({ name, description: '', needsAnalyze, default: def, since: 9 });
// What the backend reports for PostgreSQL 12: BUFFERS still needs ANALYZE, no WAL.
const pg12 = {
  server: { major: 12, minor: 3 },
  options: [opt('ANALYZE'), opt('VERBOSE'), opt('COSTS', true), opt('BUFFERS', true, true), opt('TIMING', true, true), opt('SUMMARY', true), opt('SETTINGS')],
} as unknown as query.ExplainSupport;

describe('EXPLAIN options', () => {
  it('offers what the server has, but ANALYZE (the command decides it)', () => {
    expect(offered(pg12).map((o) => o.name)).toEqual(['VERBOSE', 'COSTS', 'BUFFERS', 'TIMING', 'SUMMARY', 'SETTINGS']);
    expect(offered(null)).toEqual([]);
  });

  it("applies the user's choices over Tusk's defaults", () => {
    expect(chooseOptions(pg12, {}, true)).toEqual({ options: ['COSTS', 'BUFFERS', 'TIMING', 'SUMMARY'], off: ['VERBOSE', 'SETTINGS'] });
    expect(chooseOptions(pg12, { VERBOSE: true, TIMING: false, WAL: true }, true)).toEqual({
      options: ['VERBOSE', 'COSTS', 'BUFFERS', 'SUMMARY'],
      off: ['TIMING', 'SETTINGS'],
    });
  });

  it('leaves options that need ANALYZE out of a plain EXPLAIN', () => {
    expect(chooseOptions(pg12, { BUFFERS: true }, false)).toEqual({ options: ['COSTS', 'SUMMARY'], off: ['VERBOSE', 'SETTINGS'] });
  });
});
