import { describe, expect, it } from 'vitest';
import type { TableRelation } from '../api';
import { checkValue, duplicateRow } from './values';

const col = (baseType: string) => ({ baseType });

describe('checkValue', () => {
  it.each([
    ['integer', '42', true],
    ['integer', ' -7 ', true],
    ['integer', '2147483648', false],
    ['smallint', '40000', false],
    ['bigint', '9223372036854775807', true],
    ['integer', '4.5', false],
    ['integer', 'abc', false],
    ['integer', '0x1F', true],
    ['numeric(10,2)', '12.50', true],
    ['numeric', '1e-3', true],
    ['numeric', 'NaN', true],
    ['numeric', '12,5', false],
    ['double precision', '-Infinity', true],
    ['real', '.5', true],
    ['boolean', 'TRUE', true],
    ['boolean', 'y', true],
    ['boolean', 'of', true],
    ['boolean', 'o', false],
    ['boolean', 'maybe', false],
    ['uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', true],
    ['uuid', '{a0eebc999c0b4ef8bb6d6bb9bd380a11}', true],
    ['uuid', 'a0eebc99', false],
    ['jsonb', '{"a": [1, 2]}', true],
    ['json', '{a: 1}', false],
    ['bytea', '\\xdeadbeef', true],
    ['bytea', '\\xdeadbee', false],
    ['bytea', 'plain text is escape format', true],
    ['text', 'anything', true],
    ['app.mood', 'left to the server', true],
  ])('%s %j → %s', (type, text, ok) => {
    expect(checkValue(col(type), text) === null).toBe(ok);
  });
});

describe('duplicateRow', () => {
  const relation = {
    columns: [
      { name: 'id', inKey: true, default: "nextval('t_id_seq'::regclass)", insertWritable: true },
      { name: 'code', inKey: false, default: '', insertWritable: true },
      { name: 'note', inKey: false, default: "'x'::text", insertWritable: true },
      { name: 'total', inKey: false, default: '', insertWritable: false },
    ],
  } as unknown as TableRelation;

  it('copies what can be inserted and leaves keys with a default to the server', () => {
    expect(duplicateRow(relation, ['5', 'A', null, '10'], 'dup1')).toEqual({
      id: 'dup1',
      kind: 'insert',
      new: { code: { kind: 'text', text: 'A' }, note: { kind: 'null' } },
    });
  });
});
