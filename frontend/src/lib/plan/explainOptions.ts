// Which EXPLAIN options a run asks for: the user's choices (remembered in
// the local store), else Tusk's defaults, among the options the server has.
// ANALYZE is not among them: the command says (Explain or Explain Analyze).
import type { query } from '../../../wailsjs/go/models';

export type ExplainOption = query.ExplainSupport['options'][number];
/** The user's choices by option name ("BUFFERS" → true); an option not named keeps Tusk's default. */
export type ExplainPrefs = Record<string, boolean>;

/** The local-store key of the choices. */
export const EXPLAIN_PREFS_KEY = 'explainOptions';

/** offered lists the options the user may turn on or off: the server's, but ANALYZE. */
export function offered(support: query.ExplainSupport | null): ExplainOption[] {
  return (support?.options ?? []).filter((o) => o.name !== 'ANALYZE');
}

/** isOn reports whether an option is on: the user's choice, else Tusk's default. */
export function isOn(o: ExplainOption, prefs: ExplainPrefs): boolean {
  return prefs[o.name] ?? o.default;
}

/**
 * chooseOptions splits the offered options into those to turn on and those
 * to turn off for one run. Options that need ANALYZE are left out of a
 * plain EXPLAIN (the backend would drop them anyway).
 */
export function chooseOptions(support: query.ExplainSupport, prefs: ExplainPrefs, analyze: boolean): { options: string[]; off: string[] } {
  const options: string[] = [];
  const off: string[] = [];
  for (const o of offered(support)) {
    if (o.needsAnalyze && !analyze) continue;
    (isOn(o, prefs) ? options : off).push(o.name);
  }
  return { options, off };
}
