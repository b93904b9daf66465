// The Format SQL options as remembered in the local store: read back
// defensively, since the stored value may come from an older Tusk or have
// been edited by hand; anything unknown falls back to the default.
import { defaultFormatOptions, type FormatOptions, type KeywordCase } from './format';

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
