import { describe, expect, it } from 'vitest';
import { qualified, quoteIdent } from './sql';

describe('quoteIdent', () => {
  it.each([
    ['orders', 'orders'],
    ['order', '"order"'],
    ['user', '"user"'],
    ['Orders', '"Orders"'],
    ['My "Table"', '"My ""Table"""'],
    ['with space', '"with space"'],
    ['tähti', '"tähti"'],
    ['_x1$', '_x1$'],
    ['1abc', '"1abc"'],
  ])('%s → %s', (name, want) => expect(quoteIdent(name)).toBe(want));

  it('qualifies', () => expect(qualified('public', 'order')).toBe('public."order"'));
});
