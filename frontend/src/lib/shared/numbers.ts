// Counts as people read them: 1,000,000 rows, 1 row. The user's locale
// decides the separator; a locale without one (C/POSIX, as a desktop session
// may report) falls back to English grouping, so large counts stay readable.

const native = new Intl.NumberFormat();
const grouped = /\d{4}/.test(native.format(1000)) ? new Intl.NumberFormat('en-US') : native;

/** n with thousands separators. */
export function formatCount(n: number): string {
  return grouped.format(n);
}

/** "1 row", "1,204 rows": the count with the noun in the right number. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
