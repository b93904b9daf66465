import type { query } from '../../../wailsjs/go/models';
import { api, on, WaitReason } from '../api';
import type { StuckInfo } from './pooler';

/** The UI state key of the connections whose transaction-mode notice the user dismissed. */
export const dismissedKey = 'pooler.dismissedNotices';

/**
 * PoolerWatch follows the query events a pooler makes matter, beside the
 * tabs: which queries wait (and for what), which stuck queries can be
 * terminated, which connections saw session state that will not persist;
 * and which connections' transaction-mode notice the user dismissed (kept
 * in the UI state, so the notice is told once). Components share the
 * instance poolerWatch and call start in an $effect; the events are
 * followed while at least one of them is mounted.
 */
export class PoolerWatch {
  /** Why a running query waits before reaching the server, by query ID. */
  waiting = $state.raw<Record<string, WaitReason>>({});
  /** query:stuck payloads of running queries, by query ID. */
  stuck = $state.raw<Record<string, StuckInfo>>({});
  /** Connections on which a statement changed session state that will not persist. */
  stateLost = $state.raw<Record<string, true>>({});
  /** Connections whose transaction-mode notice was dismissed. */
  dismissed = $state.raw<Record<string, true>>({});

  private users = 0;
  private stop: (() => void) | null = null;

  waitFor(queryId: string | null | undefined): WaitReason {
    return (queryId && this.waiting[queryId]) || WaitReason.NotWaiting;
  }

  stuckOf(queryId: string | null | undefined): StuckInfo | undefined {
    return queryId ? this.stuck[queryId] : undefined;
  }

  /** dismiss hides a connection's transaction-mode notice for good. */
  dismiss(connectionId: string): void {
    this.dismissed = { ...this.dismissed, [connectionId]: true };
    void api.setUIState(dismissedKey, Object.keys(this.dismissed)).catch(() => {});
  }

  /** start follows the events (once, however many callers); returns the cleanup. */
  start(): () => void {
    this.users++;
    if (this.users === 1) this.stop = this.listen();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.users--;
      if (this.users === 0) {
        this.stop?.();
        this.stop = null;
      }
    };
  }

  private listen(): () => void {
    api
      .getUIState<string[]>(dismissedKey)
      .then((ids) => {
        if (ids?.length) this.dismissed = { ...this.dismissed, ...Object.fromEntries(ids.map((id) => [id, true as const])) };
      })
      .catch(() => {});
    const finished = (s: query.Summary) => {
      this.waiting = without(this.waiting, s.queryId);
      this.stuck = without(this.stuck, s.queryId);
      if (!this.stateLost[s.connectionId] && s.statements?.some((st) => st.sessionStateLost)) {
        this.stateLost = { ...this.stateLost, [s.connectionId]: true };
      }
    };
    const offs = [
      on('query:progress', (p) => {
        const reason = p.waiting ?? WaitReason.NotWaiting;
        if (reason !== this.waitFor(p.queryId)) {
          this.waiting = reason ? { ...this.waiting, [p.queryId]: reason } : without(this.waiting, p.queryId);
        }
      }),
      on('query:stuck', (s) => (this.stuck = { ...this.stuck, [s.queryId]: { pid: s.pid, terminable: s.terminable } })),
      on('query:done', finished),
      on('query:error', finished),
    ];
    return () => offs.forEach((off) => off());
  }
}

function without<T>(m: Record<string, T>, key: string): Record<string, T> {
  if (!(key in m)) return m;
  const next = { ...m };
  delete next[key];
  return next;
}

/** The instance the components share. */
export const poolerWatch = new PoolerWatch();
