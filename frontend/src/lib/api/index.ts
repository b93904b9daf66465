// The only module that imports the generated Wails bindings. Components call
// `api.*`; unit tests stub this module (vi.mock('$lib/api')).
import * as App from '../../../wailsjs/go/main/App';
import type { connection, credentials, explain, main, query, resultset, schema, sqlfile, sshtunnel, state, storage } from '../../../wailsjs/go/models';
import { call } from './errors';

export { AppError, toAppError, Kind, type ErrorInfo } from './errors';
export { on, type EventMap, type EventName } from './events';
export { PoolerMode, ReadOnlyState, SettingsPath, WaitReason, routeLabel, waitingLabel, type Route } from './route';

/**
 * Plain<T> is a generated model class as plain data (its convertValues
 * method dropped): what callers build and pass to the api.
 */
export type Plain<T> = T extends (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Plain<T[K]> }
    : T;

export type AppInfo = main.AppInfo;
export type Notice = main.Notice;
export type ConnectionConfig = Plain<connection.Config>;
export type PoolStatus = connection.PoolStatus;
export type KeychainStatus = credentials.Status;
export type TunnelConfig = sshtunnel.Config;
export type TestReport = state.TestReport;
export type HistoryEntry = storage.HistoryEntry;
export type SavedQuery = storage.SavedQuery;
export type ConnectionGroup = Plain<storage.ConnectionGroup>;
export type SqlFile = sqlfile.File;
export type SavedFile = sqlfile.Saved;
export type RecentFile = sqlfile.Recent;
export type NativeState = main.NativeState;
export type QuitRequest = main.QuitRequest;
export type OpenWork = query.OpenWork;
export type Plan = explain.Plan;
export type PlanComparison = explain.Comparison;
export type Guard = query.Guard;
export type ExplainInfo = query.ExplainInfo;
export type ViewSpec = Plain<resultset.ViewSpec>;

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
  saveConnection: (req: Plain<main.SaveConnectionRequest>): Promise<ConnectionConfig> => call(() => App.SaveConnection(req as never)),
  deleteConnection: (id: string): Promise<void> => call(() => App.DeleteConnection(id)),
  parseConnectionURL: (text: string): Promise<connection.Imported> => call(() => App.ParseConnectionURL(text)),
  testConnection: (req: Plain<main.TestConnectionRequest>): Promise<TestReport> => call(() => App.TestConnection(req as never)),
  connect: (req: Plain<main.ConnectRequest>): Promise<PoolStatus> => call(() => App.Connect(req as never)),
  disconnect: (id: string): Promise<void> => call(() => App.Disconnect(id)),
  poolStatuses: (): Promise<PoolStatus[]> => call(() => App.PoolStatuses()),
  listConnectionGroups: (): Promise<ConnectionGroup[]> => call(() => App.ListConnectionGroups()),
  saveConnectionGroup: (g: Partial<ConnectionGroup> & { name: string }): Promise<ConnectionGroup> =>
    call(() => App.SaveConnectionGroup({ id: '', color: '', position: 0, createdAt: null, updatedAt: null, ...g } as never)),
  deleteConnectionGroup: (id: string): Promise<void> => call(() => App.DeleteConnectionGroup(id)),
  arrangeConnections: (placements: Plain<storage.Placement>[]): Promise<void> => call(() => App.ArrangeConnections({ placements } as never)),
  arrangeConnectionGroups: (ids: string[]): Promise<void> => call(() => App.ArrangeConnectionGroups(ids)),

  storePassword: (id: string, password: string): Promise<void> => call(() => App.StorePassword(id, password)),
  hasPassword: (id: string): Promise<boolean> => call(() => App.HasPassword(id)),
  deletePassword: (id: string): Promise<void> => call(() => App.DeletePassword(id)),
  keychainStatus: (): Promise<KeychainStatus> => call(() => App.KeychainStatus()),
  retryKeychain: (): Promise<KeychainStatus> => call(() => App.RetryKeychain()),

  listTunnels: (): Promise<TunnelConfig[]> => call(() => App.ListTunnels()),
  saveTunnel: (req: Plain<main.SaveTunnelRequest>): Promise<TunnelConfig> => call(() => App.SaveTunnel(req as never)),
  deleteTunnel: (id: string): Promise<void> => call(() => App.DeleteTunnel(id)),
  acceptHostKey: (fingerprint: string): Promise<void> => call(() => App.AcceptHostKey(fingerprint)),

  history: (req: Plain<main.HistoryRequest>): Promise<HistoryEntry[]> => call(() => App.History(req as never)),
  clearHistory: (connectionId = ''): Promise<number> => call(() => App.ClearHistory(connectionId)),
  savedQueries: (folder = '/'): Promise<SavedQuery[]> => call(() => App.SavedQueries(folder)),
  savedQueryFolders: (): Promise<string[]> => call(() => App.SavedQueryFolders()),
  saveQuery: (q: Plain<SavedQuery>): Promise<SavedQuery> => call(() => App.SaveQuery(q as never)),
  moveSavedQuery: (id: string, folder: string): Promise<SavedQuery> => call(() => App.MoveSavedQuery(id, folder)),
  deleteSavedQuery: (id: string): Promise<void> => call(() => App.DeleteSavedQuery(id)),

  execute: (req: Partial<query.Request> & { queryId: string; sessionId: string; connectionId: string; sql: string }): Promise<query.Started> =>
    call(() => App.Execute(req as query.Request)),
  cancelQuery: (id: string): Promise<boolean> => call(() => App.CancelQuery(id)),
  terminateQuery: (id: string): Promise<void> => call(() => App.TerminateQuery(id)),
  dropQueryConnection: (id: string): Promise<void> => call(() => App.DropQueryConnection(id)),
  resultPage: (req: Plain<main.PageRequest>): Promise<resultset.Page> => call(() => App.ResultPage(req as never)),
  querySummary: (id: string): Promise<query.Summary> => call(() => App.QuerySummary(id)),
  releaseResults: (id: string): Promise<void> => call(() => App.ReleaseResults(id)),
  closeSession: (id: string): Promise<void> => call(() => App.CloseSession(id)),
  exportResult: (req: Plain<main.ExportRequest>): Promise<main.ExportResult> => call(() => App.ExportResultToFile(req as never)),
  cancelExport: (exportId: string): Promise<boolean> => call(() => App.CancelExport(exportId)),
  reportTiming: (name: string, ms: number): void => void App.ReportTiming(name, ms).catch(() => {}),
  pickFile: (title: string): Promise<string> => call(() => App.PickFile(title)),

  schemaInfo: (connectionId: string): Promise<main.SchemaInfo> => call(() => App.SchemaInfo(connectionId)),
  schemaObjects: (connectionId: string, name: string): Promise<schema.Schema> => call(() => App.SchemaObjects(connectionId, name)),
  searchSchema: (connectionId: string, text: string): Promise<schema.Match[]> => call(() => App.SearchSchema(connectionId, text)),
  schemaCompletion: (connectionId: string): Promise<Record<string, string[]>> => call(() => App.SchemaCompletion(connectionId)),
  refreshSchema: (connectionId: string): Promise<void> => call(() => App.RefreshSchema(connectionId)),
  objectDefinition: (connectionId: string, obj: Plain<main.DefinitionRequest>): Promise<string> =>
    call(() => App.ObjectDefinition(connectionId, obj as never)),

  /** Reads a .sql file (req.path), or asks with the native dialog (no path); an empty path in the result means cancelled. */
  openSqlFile: (req: Plain<main.OpenFileRequest>): Promise<SqlFile> => call(() => App.OpenSQLFile(req as never)),
  /** Writes a tab to its file atomically, asking where when it has none (or saveAs); an empty path in the result means cancelled. */
  saveSqlFile: (req: Partial<Plain<main.SaveFileRequest>> & { content: string }): Promise<SavedFile> =>
    call(() => App.SaveSQLFile(req as never)),
  recentFiles: (): Promise<RecentFile[]> => call(() => App.RecentFiles()),
  clearRecentFiles: (): Promise<void> => call(() => App.ClearRecentFiles()),
  /** Called once the native events are subscribed: the files to open now. */
  nativeReady: (): Promise<NativeState> => call(() => App.NativeReady()),
  setWindowTitle: (title: string): Promise<void> => call(() => App.SetWindowTitle(title)),
  /** Starts quitting as the window's close button does (app:quit-requested follows). */
  requestQuit: (): Promise<void> => call(() => App.RequestQuit()),
  acknowledgeQuit: (requestId: string): Promise<void> => call(() => App.AcknowledgeQuit(requestId)),
  confirmQuit: (): Promise<void> => call(() => App.ConfirmQuit()),
  cancelQuit: (): Promise<void> => call(() => App.CancelQuit()),
  /** What safe mode will do with a request (run, confirm or block) and the dangerous statements. */
  checkSafety: (req: Partial<query.Request> & { connectionId: string; sql: string }): Promise<Guard> =>
    call(() => App.CheckSafety(req as query.Request)),
  /** The server's version and the EXPLAIN options it supports. */
  explainOptions: (req: Plain<main.SessionRequest>): Promise<query.ExplainSupport> => call(() => App.ExplainOptions(req as never)),
  /** What an explain will run, and whether it runs inside BEGIN … ROLLBACK; runs nothing. */
  prepareExplain: (req: Partial<query.ExplainRequest> & { sessionId: string; connectionId: string; sql: string }): Promise<ExplainInfo> =>
    call(() => App.PrepareExplain(req as query.ExplainRequest)),
  /** Runs EXPLAIN (FORMAT JSON, …) in the tab's session; query:* events follow, then queryPlan. */
  explain: (req: Partial<query.ExplainRequest> & { sessionId: string; connectionId: string; sql: string }): Promise<query.ExplainStarted> =>
    call(() => App.Explain(req as query.ExplainRequest)),
  queryPlan: (req: Plain<main.PlanRequest>): Promise<Plan> => call(() => App.QueryPlan(req as never)),
  historyPlan: (historyId: number): Promise<Plan> => call(() => App.HistoryPlan(historyId)),
  /** A plan in EXPLAIN's text layout, for the raw plan tab. */
  planText: (src: Plain<main.PlanSource>): Promise<string> => call(() => App.PlanText(src as never)),
  comparePlans: (req: Plain<main.ComparePlansRequest>): Promise<PlanComparison> => call(() => App.ComparePlans(req as never)),
  /** Saves a plan as JSON or text; resolves to the path, or '' when the dialog was cancelled. */
  exportPlan: (req: Plain<main.ExportPlanRequest>): Promise<string> => call(() => App.ExportPlan(req as never)),
  /** Sorts and filters a stored result; resolves to the view and its first page. */
  setResultView: (req: Plain<main.ResultViewRequest>): Promise<query.ViewResult> => call(() => App.SetResultView(req as never)),
  clearResultView: (req: Plain<main.PlanRequest>): Promise<resultset.ViewInfo> => call(() => App.ClearResultView(req as never)),
  /** Manual commit: commits or rolls back a tab's transaction; resolves to its state afterwards. */
  commit: (sessionId: string): Promise<string> => call(() => App.Commit(sessionId)),
  rollback: (sessionId: string): Promise<string> => call(() => App.Rollback(sessionId)),
};
