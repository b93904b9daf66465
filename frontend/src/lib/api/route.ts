// What sits between Tusk and the server (connection.Route, in every
// PoolStatus) and why a query waits (Progress.Waiting), as the UI words it.
import type { connection } from '../../../wailsjs/go/models';
import { PoolerMode, ReadOnlyState, SettingsPath, WaitReason } from './enums';

export { PoolerMode, ReadOnlyState, SettingsPath, WaitReason };
export type Route = connection.Route;

/**
 * routeLabel names the route of a connection for its status line:
 * "" without a pooler, else e.g. "via PgBouncer, transaction mode".
 */
export function routeLabel(route: Route): string {
  if (!route.pooler) return '';
  const name = route.poolerName || 'a connection pooler';
  switch (route.poolerMode) {
    case PoolerMode.Transaction:
      return `via ${name}, transaction mode`;
    case PoolerMode.Session:
      return `via ${name}, session mode`;
    default:
      return `via ${name}`;
  }
}

/** waitingLabel says why a query waits; "" when it does not. */
export function waitingLabel(reason: WaitReason | undefined): string {
  switch (reason) {
    case WaitReason.Pool:
      return 'Waiting for a free connection (all are in use by other tabs)';
    case WaitReason.Pooler:
      return 'Waiting for the connection pooler to free a server connection';
    default:
      return '';
  }
}
