import { api, on, type ConnectionState, type PoolStatus } from '../api';

/**
 * Pools mirrors the backend's connection pools: loaded once, then kept
 * current by pool:status events (a closed pool leaves the list). It also
 * keeps the state of every connection that is not simply connected
 * (connection:lost, connection:state): reconnecting while its server does
 * not answer (the pool stays open), lost or stopped once it closed.
 */
export class Pools {
  byId = $state.raw<Record<string, PoolStatus>>({});
  list = $derived(Object.values(this.byId).sort((a, b) => a.connectionId.localeCompare(b.connectionId)));
  /** Connections that are reconnecting, lost or stopped, by ID (connected ones are absent). */
  states = $state.raw<Record<string, ConnectionState>>({});
  troubled = $derived(Object.values(this.states).sort((a, b) => a.connectionId.localeCompare(b.connectionId)));

  apply(status: PoolStatus): void {
    const next = { ...this.byId };
    if (status.closed) delete next[status.connectionId];
    else next[status.connectionId] = status;
    this.byId = next;
  }

  applyState(s: ConnectionState): void {
    const next = { ...this.states };
    if (s.state === 'connected') delete next[s.connectionId];
    else next[s.connectionId] = s;
    this.states = next;
  }

  /** The state of a connection that is not simply connected; undefined when it is (or never was). */
  stateOf(id: string): ConnectionState | undefined {
    return this.states[id];
  }

  /** Stops reconnecting to a connection's server; the connection closes. */
  async stopReconnect(id: string): Promise<void> {
    await api.stopReconnect(id);
  }

  /** start loads the current statuses and follows events; returns the cleanup. */
  start(): () => void {
    const offStatus = on('pool:status', (s) => this.apply(s));
    // A lost server keeps its pool while Tusk reconnects; connection:state
    // follows with reconnecting (or lost, and the pool closes).
    const offLost = on('connection:lost', (l) => this.applyState({ connectionId: l.connectionId, state: 'lost', attempt: 0, nextRetryMs: 0, error: l.error }));
    const offState = on('connection:state', (s) => this.applyState(s));
    api
      .poolStatuses()
      .then((all) => all.forEach((s) => this.apply(s)))
      .catch(() => {
        // the start screen reports why the state is unavailable
      });
    api
      .connectionStates()
      .then((all) => all.forEach((s) => this.applyState(s)))
      .catch(() => {
        // as above
      });
    return () => {
      offStatus();
      offLost();
      offState();
    };
  }
}
