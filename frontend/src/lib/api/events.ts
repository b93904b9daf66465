// The typed mirror of backend/event/event.go: every event name the backend
// emits, with its payload type. Subscribe through `on`, which returns the
// unsubscribe function for an $effect cleanup.
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import type { connection, credentials, exportfile, main, query, sqlfile, state } from '../../../wailsjs/go/models';

export interface EventMap {
  'pool:status': connection.PoolStatus;
  'connection:lost': state.ConnectionLost;
  'connection:state': state.ConnectionState;
  'session:lost': query.SessionLost;
  'keychain:status': credentials.Status;
  'query:progress': query.Progress;
  'query:done': query.Summary;
  'query:error': query.Summary;
  'query:stuck': query.Stuck;
  'schema:loaded': state.SchemaLoaded;
  'export:progress': exportfile.Progress;
  'menu:command': main.MenuCommand;
  'files:open': main.FilesOpen;
  'files:recent': sqlfile.Recent[];
  'app:quit-requested': main.QuitRequest;
  'table:changed': state.TableChanged;
}

export type EventName = keyof EventMap;

export function on<K extends EventName>(name: K, handler: (payload: EventMap[K]) => void): () => void {
  return EventsOn(name, (payload: EventMap[K]) => handler(payload));
}
