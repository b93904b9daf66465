// The typed mirror of backend/event/event.go: every event name the backend
// emits, with its payload type. Subscribe through `on`, which returns the
// unsubscribe function for an $effect cleanup.
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import type { apperr, connection, credentials } from '../../../wailsjs/go/models';

export interface ConnectionLost {
  connectionId: string;
  error: apperr.ErrorInfo;
}

export interface EventMap {
  'pool:status': connection.PoolStatus;
  'connection:lost': ConnectionLost;
  'keychain:status': credentials.Status;
}

export type EventName = keyof EventMap;

export function on<K extends EventName>(name: K, handler: (payload: EventMap[K]) => void): () => void {
  return EventsOn(name, (payload: EventMap[K]) => handler(payload));
}
