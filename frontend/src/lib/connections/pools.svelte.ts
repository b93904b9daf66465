import { api, on, type PoolStatus } from '../api';

/**
 * Pools mirrors the backend's connection pools: loaded once, then kept
 * current by pool:status events (a closed pool leaves the list).
 */
export class Pools {
  byId = $state.raw<Record<string, PoolStatus>>({});
  list = $derived(Object.values(this.byId).sort((a, b) => a.connectionId.localeCompare(b.connectionId)));

  apply(status: PoolStatus): void {
    const next = { ...this.byId };
    if (status.closed) delete next[status.connectionId];
    else next[status.connectionId] = status;
    this.byId = next;
  }

  /** start loads the current statuses and follows events; returns the cleanup. */
  start(): () => void {
    const offStatus = on('pool:status', (s) => this.apply(s));
    const offLost = on('connection:lost', (l) => {
      const next = { ...this.byId };
      delete next[l.connectionId];
      this.byId = next;
    });
    api
      .poolStatuses()
      .then((all) => all.forEach((s) => this.apply(s)))
      .catch(() => {
        // the start screen reports why the state is unavailable
      });
    return () => {
      offStatus();
      offLost();
    };
  }
}
