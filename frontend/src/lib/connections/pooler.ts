// What the UI says about a connection pooler in front of the server: the
// status bar's badge and tooltip, the transaction-mode notice, the warning
// for a read-only connection Tusk could not verify, and whether Terminate
// can be offered for a stuck query. Pure functions of backend values.
import { PoolerMode, ReadOnlyState, routeLabel, type Route } from '../api';

/** The notice when the backend sent none (it always does in transaction mode). */
export const transactionModeFallback =
  'This connection goes through a connection pooler in transaction mode: SET, temporary tables and PREPARE do not persist from one run to the next. Inside BEGIN … COMMIT everything works as usual.';

/**
 * poolerTooltip explains the badge routeLabel names: what the mode means for
 * the user, and why no process ID is shown. "" without a pooler.
 */
export function poolerTooltip(route: Route | undefined): string {
  if (!route?.pooler) return '';
  const lines = [routeLabel(route).replace(/^via/, 'Connected through')];
  if (route.poolerMode === PoolerMode.Transaction) {
    lines.push('Each run may get a different server connection: session state (SET, temporary tables, PREPARE) does not persist between runs; BEGIN … COMMIT across runs works.');
  } else if (route.poolerMode === PoolerMode.Session) {
    lines.push('Each of Tusk’s connections keeps its server connection: session state persists.');
  } else {
    lines.push('Its mode is not known yet.');
  }
  lines.push('The process ID the pooler reports is not the server’s, so Tusk shows one only when it knows the real server process.');
  return lines.join('\n');
}

/**
 * sessionStateNotice is the transaction-mode notice for a connection, "" when
 * there is nothing to tell or the user dismissed it. sawStateLost: a run on
 * the connection changed session state that will not persist (it may come
 * before the pool's route learnt the mode).
 */
export function sessionStateNotice(route: Route | undefined, sawStateLost: boolean, dismissed: boolean): string {
  if (dismissed) return '';
  const transactionMode = !!route?.pooler && (route.poolerMode === PoolerMode.Transaction || !route.sessionStateKept);
  if (!transactionMode && !sawStateLost) return '';
  return route?.notice || transactionModeFallback;
}

/**
 * readOnlyWarning says why a read-only connection is not enforced, "" when it
 * is (or the connection is not read-only).
 */
export function readOnlyWarning(route: Route | undefined): string {
  if (route?.readOnly !== ReadOnlyState.Unverified) return '';
  const why = route.readOnlyProblem || 'the server did not run a transaction READ ONLY when asked to';
  return `This connection is marked read-only, but Tusk could not make the server enforce it: ${why}. Tusk refuses to run statements on it rather than risk a write.`;
}

/** A stuck query as query:stuck reports it. */
export interface StuckInfo {
  pid: number;
  terminable: boolean;
}

/**
 * canTerminate: Terminate is offered only when the backend identified the
 * server process running the query (never the pooler's invented PID).
 */
export function canTerminate(stuck: StuckInfo | undefined): boolean {
  return !!stuck?.terminable && stuck.pid > 0;
}
