// A tab's plans: the one its results show, the last few it produced (to
// compare), and the comparison the user asked for. The tab feeds it its
// runs (started / finished); it reads the analysed plan from the backend.
import { api, AppError, type ErrorInfo, type ExplainInfo, type Plan, type PlanComparison } from '../api';
import type { main, query } from '../../../wailsjs/go/models';

/** How many plans a tab keeps for comparing. */
export const KEEP = 6;

export type PlanSource = main.PlanSource;

/** A plan the tab produced, with what the UI says about it. */
export interface KeptPlan {
  id: string;
  /** The statement, on one line and shortened. */
  title: string;
  /** When it ran (ms since the epoch). */
  at: number;
  plan: Plan;
  /** It ran inside BEGIN … ROLLBACK (EXPLAIN ANALYZE from the Explain command). */
  rollsBack: boolean;
  /** Where the backend reads it again: its own JSON, so it outlives the query's results. */
  source: PlanSource;
}

/** One side of a comparison: a kept plan or a history entry's. */
export interface PlanRef {
  label: string;
  source: PlanSource;
}

/** oneLine shortens a statement to a title: comments and runs of space folded, at most max characters. */
export function oneLine(sql: string, max = 70): string {
  const s = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** explainBody strips the EXPLAIN (…) a user typed, so the title names the statement explained. */
export function explainBody(sql: string): string {
  return sql.replace(/^\s*explain\s*(\([^)]*\)|(\s+(analyze|verbose|costs|buffers|timing|summary|settings|wal)\b)*)\s*/i, '');
}

/** planStatements lists the statements of a finished run whose result is EXPLAIN (FORMAT JSON) output. */
export function planStatements(sum: query.Summary): number[] {
  return (sum.statements ?? [])
    .filter((st) => st.kind === 'explain' && st.status === 'done' && st.columns?.length === 1 && st.columns[0]!.typeName === 'json')
    .map((st) => st.index);
}

export const planSource = (over: Partial<PlanSource>): PlanSource => ({ queryId: '', statement: 0, historyId: 0, json: '', ...over }) as PlanSource;

let seq = 0;

export class TabPlans {
  /** Plans this tab produced, newest first (at most KEEP). */
  kept = $state.raw<KeptPlan[]>([]);
  /** The plan the results show; null when the last run made none. */
  shown = $state.raw<KeptPlan | null>(null);
  /** A plan is being made or read. */
  loading = $state(false);
  /** Why the last plan could not be read. */
  error = $state.raw<ErrorInfo | null>(null);
  comparison = $state.raw<{ a: PlanRef; b: PlanRef; result: PlanComparison } | null>(null);
  comparing = $state(false);
  compareError = $state.raw<ErrorInfo | null>(null);
  /** The user agreed, in this tab, that Explain Analyze runs data-changing statements (inside BEGIN … ROLLBACK). */
  analyzeConfirmed = false;
  /** The Explain command's last run: its one result is the plan's JSON, which the plan view shows. */
  explainRun = $state<string | null>(null);
  /** The Explain command's run whose plan is awaited. */
  private pending: { queryId: string; info: ExplainInfo } | null = null;

  /** explaining records that run queryId is the Explain command's (before it starts). */
  explaining(queryId: string, info: ExplainInfo): void {
    this.pending = { queryId, info };
  }

  /** started: a run of the tab began; a run other than an Explain clears the plan and comparison shown. */
  started(queryId: string): void {
    this.error = null;
    if (this.pending?.queryId === queryId) {
      this.explainRun = queryId;
      this.loading = true;
      return;
    }
    this.explainRun = null;
    this.pending = null;
    this.loading = false;
    this.shown = null;
    this.comparison = null;
    this.compareError = null;
  }

  /** failed: the run did not start (the Explain command's own run included). */
  failed(): void {
    this.pending = null;
    this.loading = false;
  }

  /** finished reads the plans a finished run produced: the Explain command's, or EXPLAIN (FORMAT JSON) the user ran. */
  async finished(sum: query.Summary): Promise<void> {
    const pending = this.pending?.queryId === sum.queryId ? this.pending : null;
    this.pending = null;
    const statements = pending ? planStatements(sum).slice(0, 1) : planStatements(sum);
    if (statements.length === 0) {
      this.loading = false;
      return;
    }
    this.loading = true;
    try {
      for (const statement of statements) {
        const plan = await api.queryPlan({ queryId: sum.queryId, statement });
        const st = sum.statements.find((s) => s.index === statement);
        const title = oneLine(pending ? pending.info.statement : explainBody(st?.sql ?? ''));
        this.add({ id: `plan-${++seq}`, title, at: Date.now(), plan, rollsBack: pending?.info.rollsBack ?? false, source: planSource({ json: plan.raw }) });
      }
    } catch (e) {
      this.error = e instanceof AppError ? e.info : ({ kind: 'internal', title: 'No plan', message: String(e) } as ErrorInfo);
    } finally {
      this.loading = false;
    }
  }

  private add(k: KeptPlan): void {
    this.kept = [k, ...this.kept].slice(0, KEEP);
    this.shown = k;
  }

  /** compare compares plan b (after) with plan a (before). */
  async compare(a: PlanRef, b: PlanRef): Promise<boolean> {
    this.comparing = true;
    this.compareError = null;
    try {
      const result = await api.comparePlans({ a: a.source, b: b.source });
      this.comparison = { a, b, result };
      return true;
    } catch (e) {
      this.compareError = e instanceof AppError ? e.info : ({ kind: 'internal', title: 'Not compared', message: String(e) } as ErrorInfo);
      return false;
    } finally {
      this.comparing = false;
    }
  }

  closeComparison(): void {
    this.comparison = null;
    this.compareError = null;
  }
}

/** label names a kept plan in a list: when, what, how long. */
export function keptLabel(k: KeptPlan): string {
  const when = new Date(k.at).toLocaleTimeString('en-GB');
  const took = k.plan.executionMs ? ` · ${k.plan.executionMs.toFixed(1)} ms` : k.plan.analyzed ? '' : ' · estimate';
  return `${when} · ${k.title}${took}`;
}
