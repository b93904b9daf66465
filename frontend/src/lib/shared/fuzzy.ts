/**
 * A small fuzzy matcher for the command palette: the query's characters must
 * appear in order in the text (case-insensitive). Matches at the start of
 * words and consecutive runs score higher, so "selt" ranks "Select top 1000"
 * above "set timezone".
 */
export interface FuzzyMatch {
  score: number;
  /** Indexes of the matched characters in the text, for highlighting. */
  positions: number[];
}

const isBoundary = (text: string, i: number): boolean => {
  if (i === 0) return true;
  const prev = text[i - 1]!;
  const cur = text[i]!;
  return /[\s._\-/:(]/.test(prev) || (prev === prev.toLowerCase() && cur !== cur.toLowerCase());
};

export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const q = query.trim().toLowerCase();
  if (!q) return { score: 0, positions: [] };
  const t = text.toLowerCase();
  // An exact substring is the best kind of match.
  const at = t.indexOf(q);
  if (at >= 0) {
    const positions = Array.from({ length: q.length }, (_, k) => at + k);
    return { score: 1000 - at + (isBoundary(text, at) ? 200 : 0) - (t.length - q.length) * 0.5, positions };
  }
  const positions: number[] = [];
  let score = 0;
  let from = 0;
  let run = 0;
  for (const ch of q) {
    if (ch === ' ') continue;
    let found = -1;
    // Prefer the next word start holding ch, else its next occurrence.
    for (let i = from; i < t.length; i++) {
      if (t[i] === ch && isBoundary(text, i)) {
        found = i;
        break;
      }
    }
    const next = t.indexOf(ch, from);
    if (found < 0 || (next >= 0 && next === from)) found = next;
    if (found < 0) return null;
    run = found === from && positions.length > 0 ? run + 1 : 0;
    score += 10 + run * 8 + (isBoundary(text, found) ? 15 : 0) - Math.min(found - from, 10);
    positions.push(found);
    from = found + 1;
  }
  return { score: score - t.length * 0.2, positions };
}

/** fuzzyFilter keeps the items matching query, best first (stable for ties). */
export function fuzzyFilter<T>(query: string, items: readonly T[], text: (item: T) => string): { item: T; match: FuzzyMatch }[] {
  const out: { item: T; match: FuzzyMatch; i: number }[] = [];
  items.forEach((item, i) => {
    const match = fuzzyMatch(query, text(item));
    if (match) out.push({ item, match, i });
  });
  out.sort((a, b) => b.match.score - a.match.score || a.i - b.i);
  return out.map(({ item, match }) => ({ item, match }));
}
