// The Format SQL options, and how they are remembered in the local store:
// read back defensively, since the stored value may come from an older Tusk
// or have been edited by hand; anything unknown falls back to the default.
// (Apart from format.ts, so that the options do not pull the formatter into
// the first screen's script.)

export type KeywordCase = 'upper' | 'lower' | 'preserve';

export interface FormatOptions {
  /** How keywords and type names are written; identifiers, strings and comments are never touched. */
  keywordCase: KeywordCase;
  /** Spaces per indentation level (1–8), or 'tab'. */
  indent: number | 'tab';
}

export const defaultFormatOptions: FormatOptions = { keywordCase: 'upper', indent: 2 };

export interface FormatResult {
  /** The formatted text. */
  text: string;
  /** Statements formatted, and statements left as they were (unreadable or not provably unchanged). */
  formatted: number;
  kept: number;
}

/** The local-store key of the options. */
export const FORMAT_PREFS_KEY = 'formatOptions';

const cases: readonly KeywordCase[] = ['upper', 'lower', 'preserve'];

/** formatOptionsFrom turns a stored value into options: a keyword case the formatter knows, an indent of 1–8 spaces or a tab. */
export function formatOptionsFrom(stored: unknown): FormatOptions {
  const o = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const keywordCase = cases.includes(o.keywordCase as KeywordCase) ? (o.keywordCase as KeywordCase) : defaultFormatOptions.keywordCase;
  const indent = o.indent === 'tab' ? 'tab' : Number.isInteger(o.indent) && (o.indent as number) >= 1 && (o.indent as number) <= 8 ? (o.indent as number) : defaultFormatOptions.indent;
  return { keywordCase, indent };
}
