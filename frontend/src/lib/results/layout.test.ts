import { describe, expect, it } from 'vitest';
import { displayOf, dropIndex, everyColumn, moveColumn, normalize, runsOf, sameShape, setShown, showAll, shownColumns } from './layout';

describe('column layout', () => {
  it('null shows every column in result order; a layout that does is null again', () => {
    expect(shownColumns(null, 4)).toEqual([0, 1, 2, 3]);
    expect(normalize([0, 1, 2, 3], 4)).toBeNull();
    expect(normalize([1, 0, 2, 3], 4)).toEqual([1, 0, 2, 3]);
    expect(normalize([0, 1, 2], 4)).toEqual([0, 1, 2]);
    // A layout of a wider result never names a column the result lacks.
    expect(shownColumns([5, 1, 0], 3)).toEqual([1, 0]);
  });

  it('moves a column by display position, the others keep their order', () => {
    expect(moveColumn(null, 4, 0, 2)).toEqual([1, 2, 0, 3]);
    expect(moveColumn(null, 4, 3, 0)).toEqual([3, 0, 1, 2]);
    expect(moveColumn([1, 2, 0, 3], 4, 2, 0)).toBeNull(); // back where it was
    expect(moveColumn(null, 4, 1, 99)).toEqual([0, 2, 3, 1]); // clamped
    expect(moveColumn(null, 4, 2, 2)).toBeNull();
    // Display positions skip hidden columns: with column 1 hidden, position 1 is column 2.
    expect(moveColumn([0, 2, 3], 4, 1, 0)).toEqual([2, 0, 3]);
  });

  it('turns a drop boundary into the position the column ends at', () => {
    expect(dropIndex(0, 0)).toBe(0);
    expect(dropIndex(0, 1)).toBe(0); // dropped on its own right edge: stays
    expect(dropIndex(0, 3)).toBe(2); // before column 3: it ends at 2
    expect(dropIndex(3, 1)).toBe(1);
    expect(moveColumn(null, 4, 0, dropIndex(0, 4))).toEqual([1, 2, 3, 0]); // after the last
  });

  it('hides and shows columns; a column shown again goes back beside its predecessor', () => {
    const hidden = setShown(null, 5, 2, false);
    expect(hidden).toEqual([0, 1, 3, 4]);
    expect(setShown(hidden, 5, 2, true)).toBeNull();
    const moved = moveColumn(hidden, 5, 3, 0); // [4, 0, 1, 3]
    expect(moved).toEqual([4, 0, 1, 3]);
    expect(setShown(moved, 5, 2, true)).toEqual([4, 0, 1, 2, 3]);
    expect(setShown([1, 2], 3, 0, true)).toBeNull(); // no predecessor: first
    expect(setShown([1], 3, 1, false)).toEqual([1]); // the last column shown stays
    expect(setShown(null, 3, 7, false)).toBeNull(); // no such column
  });

  it('shows all columns, keeping the order of those shown', () => {
    expect(showAll([3, 0], 5)).toEqual([3, 4, 0, 1, 2]);
    expect(showAll([0, 2], 3)).toBeNull();
    expect(showAll(null, 3)).toBeNull();
    expect(everyColumn([2, 0], 4)).toEqual([2, 3, 0, 1]);
  });

  it('maps source columns to display positions and splits them into runs', () => {
    expect([...displayOf([2, 0, 3])]).toEqual([[2, 0], [0, 1], [3, 2]]);
    expect(runsOf([0, 1, 2, 5, 6, 3])).toEqual([{ first: 0, count: 3 }, { first: 5, count: 2 }, { first: 3, count: 1 }]);
    expect(runsOf([])).toEqual([]);
  });

  it('keeps a layout only for results of the same shape', () => {
    const a = [{ name: 'id', typeOid: 23 }, { name: 'n', typeOid: 25 }];
    expect(sameShape(a, [{ name: 'id', typeOid: 23 }, { name: 'n', typeOid: 25 }])).toBe(true);
    expect(sameShape(a, [{ name: 'id', typeOid: 20 }, { name: 'n', typeOid: 25 }])).toBe(false);
    expect(sameShape(a, [{ name: 'id', typeOid: 23 }])).toBe(false);
  });
});
