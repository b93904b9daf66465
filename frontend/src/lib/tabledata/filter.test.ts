import { describe, expect, it } from 'vitest';
import { draftField, emptyDraft, fromFilter, listItems, toFilter, validateDraft, type FilterDraft } from './filter';

const all = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'between', 'in', 'contains', 'icontains', 'is_null', 'is_not_null'];
const columns = [
  { name: 'id', baseType: 'integer', elementType: '', operators: all },
  { name: 'name', baseType: 'text', elementType: '', operators: all },
  { name: 'doc', baseType: 'jsonb', elementType: '', operators: ['eq', 'is_null', 'json_contains'] },
  { name: 'tags', baseType: 'integer[]', elementType: 'integer', operators: ['eq', 'array_contains'] },
];

const draft = (conditions: FilterDraft['conditions'], more: Partial<FilterDraft> = {}): FilterDraft => ({ ...emptyDraft(), conditions, ...more });

describe('validateDraft', () => {
  it('accepts values that fit the column', () => {
    const d = draft([
      { column: 'id', op: 'between', values: ['1', '10'] },
      { column: 'name', op: 'eq', values: [''] },
      { column: 'name', op: 'icontains', values: ['50%'] },
      { column: 'id', op: 'in', values: ['1, 2, 3'] },
      { column: 'doc', op: 'json_contains', values: ['{"a": 1}'] },
      { column: 'tags', op: 'array_contains', values: ['4,5'] },
      { column: 'id', op: 'is_null', values: [] },
    ]);
    expect(validateDraft(columns, d)).toEqual({});
  });

  it('refuses a value that cannot be the column type, naming its field', () => {
    const d = draft([
      { column: 'name', op: 'eq', values: ['x'] },
      { column: 'id', op: 'between', values: ['1', 'ten'] },
      { column: 'id', op: 'in', values: ['1, two'] },
      { column: 'doc', op: 'json_contains', values: ['{a'] },
      { column: 'tags', op: 'array_contains', values: ['x'] },
      { column: 'id', op: 'eq', values: [''] },
    ]);
    const errors = validateDraft(columns, d);
    expect(Object.keys(errors).sort()).toEqual([
      'conditions.1.values.1',
      'conditions.2.values.0',
      'conditions.3.values.0',
      'conditions.4.values.0',
      'conditions.5.values.0',
    ]);
    expect(errors['conditions.1.values.1']).toMatch(/whole number/);
    expect(errors['conditions.2.values.0']).toMatch(/“two”/);
  });

  it('refuses an operator that does not fit, an unknown column and an empty list', () => {
    const d = draft([
      { column: 'doc', op: 'lt', values: ['1'] },
      { column: 'gone', op: 'eq', values: ['1'] },
      { column: 'id', op: 'in', values: [' , '] },
    ]);
    expect(Object.keys(validateDraft(columns, d)).sort()).toEqual(['conditions.0.op', 'conditions.1.column', 'conditions.2.values.0']);
  });

  it('refuses a raw condition with a semicolon', () => {
    expect(validateDraft(columns, draft([], { mode: 'sql', sql: 'true; drop table x' }))).toHaveProperty('sql');
    expect(validateDraft(columns, draft([], { mode: 'sql', sql: 'id > 3' }))).toEqual({});
  });
});

describe('toFilter and fromFilter', () => {
  it('sends lists as items and keeps condition indexes', () => {
    const d = draft([
      { column: 'id', op: 'in', values: ['1,2'] },
      { column: 'name', op: 'is_null', values: ['ignored'] },
      { column: 'id', op: 'between', values: ['1', '2', 'extra'] },
    ], { match: 'any' });
    const f = toFilter(d);
    expect(f).toMatchObject({ mode: '', match: 'any' });
    expect(f.conditions).toEqual([
      { column: 'id', op: 'in', values: ['1', '2'] },
      { column: 'name', op: 'is_null', values: [] },
      { column: 'id', op: 'between', values: ['1', '2'] },
    ]);
    expect(fromFilter(f).conditions[0]).toEqual({ column: 'id', op: 'in', values: ['1\n2'] });
    expect(toFilter(fromFilter(f))).toEqual(f);
  });

  it('splits list items by line, else by comma', () => {
    expect(listItems('a, b')).toEqual(['a', 'b']);
    expect(listItems('a, b\nc')).toEqual(['a, b', 'c']);
  });

  it('maps the server’s fields to the builder’s', () => {
    const d = draft([{ column: 'id', op: 'in', values: ['1,x'] }, { column: 'id', op: 'between', values: ['1', 'x'] }]);
    expect(draftField(d, 'filter.conditions.0.values.1')).toBe('conditions.0.values.0');
    expect(draftField(d, 'filter.conditions.1.values.1')).toBe('conditions.1.values.1');
    expect(draftField(d, 'filter.sql')).toBe('sql');
    expect(draftField(d, 'sort.0.column')).toBeNull();
  });
});
