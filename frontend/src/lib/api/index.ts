// The only module that imports the generated Wails bindings. Components call
// `api.*`; unit tests stub this module (vi.mock('$lib/api')).
import * as App from '../../../wailsjs/go/main/App';
import type { connection, credentials, main, sshtunnel, state, storage } from '../../../wailsjs/go/models';
import { call } from './errors';

export { AppError, toAppError, Kind, type ErrorInfo } from './errors';
export { on, type EventMap, type EventName } from './events';
export type AppInfo = main.AppInfo;
export type Notice = main.Notice;
export type ConnectionConfig = connection.Config;
export type PoolStatus = connection.PoolStatus;
export type KeychainStatus = credentials.Status;
export type TunnelConfig = sshtunnel.Config;
export type TestReport = state.TestReport;
export type HistoryEntry = storage.HistoryEntry;
export type SavedQuery = storage.SavedQuery;

export const api = {
  /** Version, data directory, log file and startup notices. */
  appInfo: (): Promise<AppInfo> => call(() => App.AppInfo()),

  /** Reads a persisted UI value; resolves to null when the key was never set. */
  async getUIState<T>(key: string): Promise<T | null> {
    const raw = await call(() => App.GetUIState(key));
    return raw === '' ? null : (JSON.parse(raw) as T);
  },

  /** Persists a UI value (any JSON-serialisable value) under key. */
  setUIState: (key: string, value: unknown): Promise<void> =>
    call(() => App.SetUIState(key, JSON.stringify(value))),

  listConnections: (): Promise<ConnectionConfig[]> => call(() => App.ListConnections()),
  saveConnection: (req: main.SaveConnectionRequest): Promise<ConnectionConfig> => call(() => App.SaveConnection(req)),
  deleteConnection: (id: string): Promise<void> => call(() => App.DeleteConnection(id)),
  parseConnectionURL: (text: string): Promise<connection.Imported> => call(() => App.ParseConnectionURL(text)),
  testConnection: (req: main.TestConnectionRequest): Promise<TestReport> => call(() => App.TestConnection(req)),
  connect: (req: main.ConnectRequest): Promise<PoolStatus> => call(() => App.Connect(req)),
  disconnect: (id: string): Promise<void> => call(() => App.Disconnect(id)),
  poolStatuses: (): Promise<PoolStatus[]> => call(() => App.PoolStatuses()),

  storePassword: (id: string, password: string): Promise<void> => call(() => App.StorePassword(id, password)),
  hasPassword: (id: string): Promise<boolean> => call(() => App.HasPassword(id)),
  deletePassword: (id: string): Promise<void> => call(() => App.DeletePassword(id)),
  keychainStatus: (): Promise<KeychainStatus> => call(() => App.KeychainStatus()),

  listTunnels: (): Promise<TunnelConfig[]> => call(() => App.ListTunnels()),
  saveTunnel: (req: main.SaveTunnelRequest): Promise<TunnelConfig> => call(() => App.SaveTunnel(req)),
  deleteTunnel: (id: string): Promise<void> => call(() => App.DeleteTunnel(id)),
  acceptHostKey: (fingerprint: string): Promise<void> => call(() => App.AcceptHostKey(fingerprint)),

  history: (req: main.HistoryRequest): Promise<HistoryEntry[]> => call(() => App.History(req)),
  clearHistory: (connectionId = ''): Promise<number> => call(() => App.ClearHistory(connectionId)),
  savedQueries: (folder = '/'): Promise<SavedQuery[]> => call(() => App.SavedQueries(folder)),
  savedQueryFolders: (): Promise<string[]> => call(() => App.SavedQueryFolders()),
  saveQuery: (q: SavedQuery): Promise<SavedQuery> => call(() => App.SaveQuery(q)),
  moveSavedQuery: (id: string, folder: string): Promise<SavedQuery> => call(() => App.MoveSavedQuery(id, folder)),
  deleteSavedQuery: (id: string): Promise<void> => call(() => App.DeleteSavedQuery(id)),
};
