// The only module that imports the generated Wails bindings. Components call
// `api.*`; unit tests stub this module (vi.mock('$lib/api')).
import * as App from '../../../wailsjs/go/main/App';
import type { connection, credentials, explain, main, query, resultset, schema, sqlfile, sshtunnel, state, storage, tabledata } from '../../../wailsjs/go/models';
import { call as callOnce } from './errors';

/** call runs a bound method: rejections become AppErrors, and work that outlasts the call is awaited (AwaitJob). */
const call = <T>(fn: () => Promise<T>): Promise<T> => callOnce(fn, (jobId) => App.AwaitJob({ jobId } as never));

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
export type AboutInfo = main.AboutInfo;
export type Notice = main.Notice;
export type ConnectionConfig = Plain<connection.Config>;
export type PoolStatus = connection.PoolStatus;
export type KeychainStatus = credentials.Status;
export type TunnelConfig = sshtunnel.Config;
export type TestReport = state.TestReport;
export type ConnectionState = Plain<state.ConnectionState>;
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

// The data tab (backend/tabledata). Cells are text in PostgreSQL's text
// format, null for SQL NULL; the generated models lose the null.
/** A cell's text, null for SQL NULL. */
export type CellText = string | null;
export type TableRelation = tabledata.Relation;
export type TableColumn = tabledata.Column;
export type OpenTable = tabledata.Table;
export type TableInfo = { table: OpenTable; view: TableView | null };
export type TableView = Plain<tabledata.View>;
export type TableFilter = Plain<tabledata.Filter>;
export type TableSortKey = Plain<tabledata.SortKey>;
export type TableCursor = Omit<Plain<tabledata.Cursor>, 'values'> & { values: CellText[] };
export type TableSeek = Omit<Plain<tabledata.Seek>, 'cursor'> & { cursor: TableCursor | null };
export type TablePageRequest = Omit<Plain<tabledata.PageRequest>, 'seek'> & { seek: TableSeek };
export type TablePage = Omit<Plain<tabledata.Page>, 'rows' | 'first' | 'last'> & {
  rows: CellText[][];
  first: TableCursor | null;
  last: TableCursor | null;
};
/** What a cell is set to: {kind: 'text', text}, {kind: 'null'} or {kind: 'default'}. */
export type TableValue = { kind: 'text' | 'null' | 'default'; text?: string };
/** One pending change of one row; old is the row as loaded (update, delete), see cellValue. */
export type TableChange = {
  id: string;
  kind: 'update' | 'insert' | 'delete';
  old?: Record<string, TableValue>;
  new?: Record<string, TableValue>;
};
export type TablePlan = Plain<tabledata.Plan>;
export type TableFailure = Omit<Plain<tabledata.Failure>, 'current'> & { current: CellText[] | null };
export type TableCommitResult = Omit<Plain<tabledata.CommitResult>, 'rows' | 'failure'> & {
  rows: (Omit<Plain<tabledata.CommittedRow>, 'row'> & { row: CellText[] })[];
  failure: TableFailure | null;
};
export type ResultTable = Omit<Plain<tabledata.ResultTable>, 'table'> & { table: OpenTable | null };

export const api = {
  /** Version, data directory, log file and startup notices. */
  appInfo: (): Promise<AppInfo> => call(() => App.AppInfo()),

  /** Build identity, Go/Wails/web view versions, data and log paths, and a plain-text report of them. */
  about: (): Promise<AboutInfo> => call(() => App.About()),
  openLogFolder: (): Promise<void> => call(() => App.OpenLogFolder()),

  /** Reads a persisted UI value; resolves to null when the key was never set. */
  async getUIState<T>(key: string): Promise<T | null> {
    const raw = await call(() => App.GetUIState({ key } as never));
    return raw === '' ? null : (JSON.parse(raw) as T);
  },

  /** Persists a UI value (any JSON-serialisable value) under key. */
  setUIState: (key: string, value: unknown): Promise<void> =>
    call(() => App.SetUIState({ key, value: JSON.stringify(value) } as never)),

  listConnections: (): Promise<ConnectionConfig[]> => call(() => App.ListConnections()),
  saveConnection: (req: Plain<main.SaveConnectionRequest>): Promise<ConnectionConfig> => call(() => App.SaveConnection(req as never)),
  deleteConnection: (id: string): Promise<void> => call(() => App.DeleteConnection({ connectionId: id } as never)),
  parseConnectionURL: (text: string): Promise<connection.Imported> => call(() => App.ParseConnectionURL({ text } as never)),
  testConnection: (req: Plain<main.TestConnectionRequest>): Promise<TestReport> => call(() => App.TestConnection(req as never)),
  connect: (req: Plain<main.ConnectRequest>): Promise<PoolStatus> => call(() => App.Connect(req as never)),
  disconnect: (id: string): Promise<void> => call(() => App.Disconnect({ connectionId: id } as never)),
  poolStatuses: (): Promise<PoolStatus[]> => call(() => App.PoolStatuses()),
  listConnectionGroups: (): Promise<ConnectionGroup[]> => call(() => App.ListConnectionGroups()),
  saveConnectionGroup: (g: Partial<ConnectionGroup> & { name: string }): Promise<ConnectionGroup> =>
    call(() => App.SaveConnectionGroup({ id: '', color: '', position: 0, createdAt: null, updatedAt: null, ...g } as never)),
  deleteConnectionGroup: (id: string): Promise<void> => call(() => App.DeleteConnectionGroup({ id } as never)),
  arrangeConnections: (placements: Plain<storage.Placement>[]): Promise<void> => call(() => App.ArrangeConnections({ placements } as never)),
  arrangeConnectionGroups: (ids: string[]): Promise<void> => call(() => App.ArrangeConnectionGroups({ ids } as never)),

  storePassword: (id: string, password: string): Promise<void> => call(() => App.StorePassword({ connectionId: id, password } as never)),
  hasPassword: (id: string): Promise<boolean> => call(() => App.HasPassword({ connectionId: id } as never)),
  deletePassword: (id: string): Promise<void> => call(() => App.DeletePassword({ connectionId: id } as never)),
  keychainStatus: (): Promise<KeychainStatus> => call(() => App.KeychainStatus()),
  retryKeychain: (): Promise<KeychainStatus> => call(() => App.RetryKeychain()),

  listTunnels: (): Promise<TunnelConfig[]> => call(() => App.ListTunnels()),
  saveTunnel: (req: Plain<main.SaveTunnelRequest>): Promise<TunnelConfig> => call(() => App.SaveTunnel(req as never)),
  deleteTunnel: (id: string): Promise<void> => call(() => App.DeleteTunnel({ id } as never)),
  acceptHostKey: (fingerprint: string): Promise<void> => call(() => App.AcceptHostKey({ fingerprint } as never)),

  history: (req: Plain<main.HistoryRequest>): Promise<HistoryEntry[]> => call(() => App.History(req as never)),
  clearHistory: (connectionId = ''): Promise<number> => call(() => App.ClearHistory({ connectionId } as never)),
  savedQueries: (folder = '/'): Promise<SavedQuery[]> => call(() => App.SavedQueries({ folder } as never)),
  savedQueryFolders: (): Promise<string[]> => call(() => App.SavedQueryFolders()),
  saveQuery: (q: Plain<SavedQuery>): Promise<SavedQuery> => call(() => App.SaveQuery(q as never)),
  moveSavedQuery: (id: string, folder: string): Promise<SavedQuery> => call(() => App.MoveSavedQuery({ id, folder } as never)),
  deleteSavedQuery: (id: string): Promise<void> => call(() => App.DeleteSavedQuery({ id } as never)),

  execute: (req: Partial<Plain<main.ExecuteRequest>> & { queryId: string; sessionId: string; connectionId: string; sql: string }): Promise<query.Started> =>
    call(() => App.Execute(req as never)),
  cancelQuery: (id: string): Promise<boolean> => call(() => App.CancelQuery({ queryId: id } as never)),
  terminateQuery: (id: string): Promise<void> => call(() => App.TerminateQuery({ queryId: id } as never)),
  dropQueryConnection: (id: string): Promise<void> => call(() => App.DropQueryConnection({ queryId: id } as never)),
  resultPage: (req: Plain<main.PageRequest>): Promise<resultset.Page> => call(() => App.ResultPage(req as never)),
  querySummary: (id: string): Promise<query.Summary> => call(() => App.QuerySummary({ queryId: id } as never)),
  releaseResults: (id: string): Promise<void> => call(() => App.ReleaseResults({ queryId: id } as never)),
  closeSession: (id: string): Promise<void> => call(() => App.CloseSession({ sessionId: id } as never)),
  exportResult: (req: Plain<main.ExportRequest>): Promise<main.ExportResult> => call(() => App.ExportResultToFile(req as never)),
  cancelExport: (exportId: string): Promise<boolean> => call(() => App.CancelExport({ exportId } as never)),
  reportTiming: (name: string, ms: number): void => void App.ReportTiming({ name, ms } as never).catch(() => {}),
  /** Logs launch → a frame painted in the webview (the true startup figure); resolves to it in ms. */
  reportStartup: (mark: Plain<main.StartupMark>): Promise<number> => call(() => App.ReportStartup(mark as never)),
  /** The `make bench-ui` scenario (JSON), or '' in normal use. */
  benchScenario: (): Promise<string> => call(() => App.BenchScenario()),
  /** Logs a named point of a bench scenario (the harness samples memory then). */
  benchMark: (name: string): Promise<void> => call(() => App.BenchMark({ name } as never)),
  pickFile: (title: string): Promise<string> => call(() => App.PickFile({ title } as never)),

  /** The state of every open connection (connected / reconnecting) and of
   * those lost or stopped since; connection:state events carry changes. */
  connectionStates: (): Promise<state.ConnectionState[]> => call(() => App.ConnectionStates()),
  /** Stops reconnecting to a connection's server and closes the connection;
   * false when it was not reconnecting. */
  stopReconnect: (connectionId: string): Promise<boolean> => call(() => App.StopReconnect({ connectionId } as never)),

  schemaInfo: (connectionId: string): Promise<main.SchemaInfo> => call(() => App.SchemaInfo({ connectionId } as never)),
  schemaObjects: (connectionId: string, name: string): Promise<schema.Schema> => call(() => App.SchemaObjects({ connectionId, schema: name } as never)),
  searchSchema: (connectionId: string, text: string): Promise<schema.Match[]> => call(() => App.SearchSchema({ connectionId, text } as never)),
  schemaCompletion: (connectionId: string): Promise<Record<string, string[]>> => call(() => App.SchemaCompletion({ connectionId } as never)),
  refreshSchema: (connectionId: string): Promise<void> => call(() => App.RefreshSchema({ connectionId } as never)),
  objectDefinition: (connectionId: string, obj: Omit<Plain<main.DefinitionRequest>, 'connectionId'>): Promise<string> =>
    call(() => App.ObjectDefinition({ ...obj, connectionId } as never)),

  /** Reads a .sql file (req.path), or asks with the native dialog (no path); an empty path in the result means cancelled. */
  openSqlFile: (req: Plain<main.OpenFileRequest>): Promise<SqlFile> => call(() => App.OpenSQLFile(req as never)),
  /** Writes a tab to its file atomically, asking where when it has none (or saveAs); an empty path in the result means cancelled. */
  saveSqlFile: (req: Partial<Plain<main.SaveFileRequest>> & { content: string }): Promise<SavedFile> =>
    call(() => App.SaveSQLFile(req as never)),
  recentFiles: (): Promise<RecentFile[]> => call(() => App.RecentFiles()),
  clearRecentFiles: (): Promise<void> => call(() => App.ClearRecentFiles()),
  /** Called once the native events are subscribed: the files to open now. */
  nativeReady: (): Promise<NativeState> => call(() => App.NativeReady()),
  setWindowTitle: (title: string): Promise<void> => call(() => App.SetWindowTitle({ title } as never)),
  /** Starts quitting as the window's close button does (app:quit-requested follows). */
  requestQuit: (): Promise<void> => call(() => App.RequestQuit()),
  acknowledgeQuit: (requestId: string): Promise<void> => call(() => App.AcknowledgeQuit({ requestId } as never)),
  confirmQuit: (): Promise<void> => call(() => App.ConfirmQuit()),
  cancelQuit: (): Promise<void> => call(() => App.CancelQuit()),
  /** What safe mode will do with a request (run, confirm or block) and the dangerous statements. */
  checkSafety: (req: Partial<Plain<main.ExecuteRequest>> & { connectionId: string; sql: string }): Promise<Guard> =>
    call(() => App.CheckSafety(req as never)),
  /** The server's version and the EXPLAIN options it supports. */
  explainOptions: (req: Plain<main.SessionRequest>): Promise<query.ExplainSupport> => call(() => App.ExplainOptions(req as never)),
  /** What an explain will run, and whether it runs inside BEGIN … ROLLBACK; runs nothing. */
  prepareExplain: (req: Partial<Plain<main.ExplainRequest>> & { sessionId: string; connectionId: string; sql: string }): Promise<ExplainInfo> =>
    call(() => App.PrepareExplain(req as never)),
  /** Runs EXPLAIN (FORMAT JSON, …) in the tab's session; query:* events follow, then queryPlan. */
  explain: (req: Partial<Plain<main.ExplainRequest>> & { sessionId: string; connectionId: string; sql: string }): Promise<query.ExplainStarted> =>
    call(() => App.Explain(req as never)),
  queryPlan: (req: Plain<main.PlanRequest>): Promise<Plan> => call(() => App.QueryPlan(req as never)),
  historyPlan: (historyId: number): Promise<Plan> => call(() => App.HistoryPlan({ historyId } as never)),
  /** A plan in EXPLAIN's text layout, for the raw plan tab. */
  planText: (src: Plain<main.PlanSource>): Promise<string> => call(() => App.PlanText(src as never)),
  comparePlans: (req: Plain<main.ComparePlansRequest>): Promise<PlanComparison> => call(() => App.ComparePlans(req as never)),
  /** Saves a plan as JSON or text; resolves to the path, or '' when the dialog was cancelled. */
  exportPlan: (req: Plain<main.ExportPlanRequest>): Promise<string> => call(() => App.ExportPlan(req as never)),
  /** Sorts and filters a stored result; resolves to the view and its first page. */
  setResultView: (req: Plain<main.ResultViewRequest>): Promise<query.ViewResult> => call(() => App.SetResultView(req as never)),
  clearResultView: (req: Plain<main.PlanRequest>): Promise<resultset.ViewInfo> => call(() => App.ClearResultView(req as never)),
  /** Manual commit: commits or rolls back a tab's transaction; resolves to its state afterwards. */
  commit: (sessionId: string): Promise<string> => call(() => App.Commit({ sessionId } as never)),
  rollback: (sessionId: string): Promise<string> => call(() => App.Rollback({ sessionId } as never)),
  /** Opens a table or view for a data tab (by schema and name, or OID); view is its remembered filter and sort. */
  openTable: (req: Partial<Plain<main.OpenTableRequest>> & { connectionId: string }): Promise<TableInfo> =>
    call(() => App.OpenTable({ schema: '', name: '', oid: 0, ...req } as never)) as Promise<TableInfo>,
  /** Describes an open table again (after DDL), keeping its handle. */
  refreshTable: (handle: string): Promise<OpenTable> => call(() => App.RefreshTable({ handle } as never)),
  closeTable: (handle: string): Promise<void> => call(() => App.CloseTable({ handle } as never)),
  /** A page of an open table: seek first, last, after/before a cursor, a fraction (0–1) or an offset; cancelJob(jobId) stops a slow read. */
  tablePage: (handle: string, page: Partial<TablePageRequest> & { seek: TableSeek }, jobId = ''): Promise<TablePage> =>
    call(() => App.TablePage({ handle, page, jobId } as never)) as Promise<TablePage>,
  /** The exact row count of an open table under a filter; cancelTableCount(countId) stops it. */
  countTableRows: (handle: string, filter: TableFilter, countId = ''): Promise<number> =>
    call(() => App.CountTableRows({ handle, filter, countId } as never)),
  cancelTableCount: (countId: string): Promise<boolean> => call(() => App.CancelTableCount({ countId } as never)),
  /** Stops the work of a call that outlasted it (a page read, a count, a commit not yet committed). */
  cancelJob: (jobId: string): Promise<boolean> => call(() => App.CancelJob({ jobId } as never)),
  /** The whole value of a cell a page truncated, the row found by its key. */
  tableCellValue: (handle: string, key: Record<string, TableValue>, column: string): Promise<{ value: CellText; found: boolean }> =>
    call(() => App.TableCellValue({ handle, key, column } as never)) as Promise<{ value: CellText; found: boolean }>,
  /** The SELECT a data tab runs, values as literals ("Open as SQL"); limit 0 leaves LIMIT out. */
  tableSelectSQL: (handle: string, filter: TableFilter, sort: TableSortKey[], limit = 0): Promise<string> =>
    call(() => App.TableSelectSQL({ handle, filter, sort, limit } as never)),
  /** The statements and the BEGIN … COMMIT script pending changes become; values are checked, nothing is written. */
  reviewTableChanges: (handle: string, changes: TableChange[]): Promise<TablePlan> =>
    call(() => App.ReviewTableChanges({ handle, changes } as never)),
  /** Applies pending changes in one transaction: all of them, or none with the failure. */
  commitTableChanges: (handle: string, changes: TableChange[]): Promise<TableCommitResult> =>
    call(() => App.CommitTableChanges({ handle, changes } as never)) as Promise<TableCommitResult>,
  /** Remembers an open table's filter and sort on its connection. */
  saveTableView: (handle: string, view: TableView): Promise<void> => call(() => App.SaveTableView({ handle, view } as never)),
  /** Whether a statement's result can be edited like a table, and if so the table to send changes to. */
  openResultTable: (queryId: string, statement: number): Promise<ResultTable> =>
    call(() => App.OpenResultTable({ queryId, statement } as never)) as Promise<ResultTable>,
};
