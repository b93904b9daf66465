import { api, on, AppError, Kind, type ErrorInfo, type ExplainInfo, type Guard } from '../api';
import type { query } from '../../../wailsjs/go/models';
import { TabPlans } from '../plan/plans.svelte';
import { sameShape } from '../results/layout';
import { countOf } from '../shared/numbers';
import { QuerySource, type KeptLayout } from './source.svelte';
import { TableTab, type DataTarget } from '../tabledata/datatab.svelte';
import { ResultEdit } from '../tabledata/resultedit.svelte';

export type RunMode = 'statement' | 'script' | 'selection';
export interface RunRequest {
  mode: RunMode;
  sql: string;
  offset: number;
  cursor?: number;
}

let counter = 0;
export const newId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `tab-${Date.now()}-${++counter}`;

/** A message shown at the top of a tab's results until the user closes it (or the next run replaces it). */
export interface Banner {
  id: string;
  /** run: about the last run (replaced by the next run); other sources stay until closed. */
  source: 'run' | 'export' | 'file' | 'session' | 'format';
  severity: 'info' | 'warning' | 'error';
  info: ErrorInfo;
}

/** What the user ran last, so "Cancelled after 1.2 s, 4,000 rows kept" and similar can be said. */
export interface Outcome {
  status: 'cancelled';
  message: string;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export interface TabInit {
  id?: string;
  title: string;
  connectionId: string | null;
  sql: string;
  filePath?: string | null;
  /** The file's conventions, kept when it is saved again. */
  fileBom?: boolean;
  fileLineEnding?: string;
  savedQueryId?: string | null;
  /** The text as last saved; undefined = sql (a restored tab is as it was). */
  baseline?: string;
  /** A data tab: the relation it shows (on connectionId) instead of an editor. */
  data?: DataTarget | null;
}

/** EditorTab is one editor with its session (its own pinned connection on the server) and its last run. */
export class EditorTab {
  readonly id: string;
  title = $state('');
  connectionId = $state<string | null>(null);
  sql = $state('');
  /** Where the text is kept: a .sql file, a saved query, or neither yet. */
  filePath = $state<string | null>(null);
  fileBom = false;
  fileLineEnding = '';
  savedQueryId = $state<string | null>(null);
  /** The text as last opened or saved; the tab is dirty while sql differs. */
  baseline = $state('');
  running = $state(false);
  queryId = $state<string | null>(null);
  startedAt = $state(0);
  summary = $state.raw<query.Summary | null>(null);
  /** While a script runs: which statement (0-based) of how many. */
  progress = $state.raw<{ statement: number; statements: number } | null>(null);
  banners = $state.raw<Banner[]>([]);
  outcome = $state.raw<Outcome | null>(null);
  /** Where the editor marks the error (UTF-16 offset into sql). */
  errorMark = $state.raw<{ offset: number; message: string } | null>(null);
  sources = $state.raw<Record<number, QuerySource>>({});
  /**
   * The sources are the previous run's, still shown (dimmed, inert) while
   * the new run has no rows yet: clearing them at the start would cost the
   * webview a frame of its own between Run and the first rows.
   */
  stale = $state(false);
  /**
   * Earlier results by statement, for their column layout: a new result of
   * the same shape keeps it. A result of another shape without a layout (an
   * Explain in between) does not replace the one kept.
   */
  private layouts: Record<number, KeptLayout> = {};
  /** The server ignored the cancel: offer Terminate or Drop. */
  stuck = $state(false);
  /** The session's transaction after the last run, Commit or Rollback: '' (unknown), 'idle', 'in transaction', 'failed transaction'. */
  transaction = $state('');
  /** Statements safe mode refused, marked in the editor (UTF-16 offsets into sql). */
  dangerMarks = $state.raw<{ from: number; to: number; message: string }[]>([]);
  /** The tab's plans: the one shown, the last few (to compare), a comparison. */
  readonly plans = new TabPlans();
  /** Set for a data tab (a table's rows and their pending changes), null for an editor tab. */
  readonly data: TableTab | null;
  /** The editing of the last run's results, by statement (made when a result is first shown). */
  #edits = new Map<number, ResultEdit>();

  constructor(init: TabInit) {
    this.id = init.id ?? newId();
    this.title = init.title;
    this.connectionId = init.connectionId;
    this.sql = init.sql;
    this.filePath = init.filePath ?? null;
    this.fileBom = init.fileBom ?? false;
    this.fileLineEnding = init.fileLineEnding ?? '';
    this.savedQueryId = init.savedQueryId ?? null;
    this.baseline = init.baseline ?? init.sql;
    this.data = init.data && init.connectionId ? new TableTab(init.connectionId, init.data) : null;
  }

  /** dirty: the text has changes that are in no file and no saved query (a data tab: uncommitted changes). */
  get dirty(): boolean {
    if (this.data) return !this.data.pending.empty;
    return this.sql !== this.baseline && (this.sql.trim() !== '' || this.baseline !== '');
  }

  sourceFor(statement: number): QuerySource | undefined {
    return this.sources[statement];
  }

  /** The editing of a statement's result (see ResultEdit); undefined while it has no rows. */
  resultEdit(statement: number): ResultEdit | undefined {
    const src = this.sources[statement];
    if (!src) return undefined;
    let e = this.#edits.get(statement);
    if (e?.inner !== src) {
      e = new ResultEdit(src.queryId, statement, src);
      this.#edits.set(statement, e);
    }
    return e;
  }

  /** Whether a result of the last run has changes that are not committed. */
  get resultEditsPending(): boolean {
    for (const e of this.#edits.values()) if (!e.pending.empty) return true;
    return false;
  }

  /** Forgets the editing of the results (a new run, the tab closing). */
  dropResultEdits(): void {
    for (const e of this.#edits.values()) e.close();
    this.#edits.clear();
  }

  addBanner(b: Omit<Banner, 'id'>): void {
    this.banners = [...this.banners.filter((x) => !(x.source === b.source && x.info.title === b.info.title)), { ...b, id: newId() }];
  }

  closeBanner(id: string): void {
    this.banners = this.banners.filter((b) => b.id !== id);
  }

  /**
   * started resets the tab for a new run of query `queryId`. The run's
   * banners go, and so does a lost session's: the run is on the fresh
   * session that banner announced, and says itself what it misses.
   */
  started(queryId: string, askedAt = performance.now()): void {
    this.banners = this.banners.filter((b) => b.source !== 'run' && b.source !== 'session');
    this.errorMark = null;
    this.summary = null;
    this.outcome = null;
    this.progress = null;
    for (const s of Object.values(this.sources)) {
      const kept = this.layouts[s.statement];
      const layout = s.wanted.columns ?? null;
      if (layout || !kept || sameShape(kept.columns, s.columns)) this.layouts[s.statement] = { columns: s.columns, layout };
    }
    // The last run's rows stay on screen until this run has its own, unless
    // the user just discarded edits of them.
    this.stale = Object.keys(this.sources).length > 0 && !this.resultEditsPending;
    if (!this.stale) this.dropSources();
    this.stuck = false;
    this.dangerMarks = [];
    this.queryId = queryId;
    this.running = true;
    this.startedAt = askedAt;
    this.plans.started(queryId);
  }

  progressed(p: query.Progress): void {
    if (!this.running) return; // a late event of a query that has finished
    if (p.statements > 1) this.progress = { statement: p.statement, statements: p.statements };
    if (!p.columns?.length) return;
    this.dropStale();
    let s = this.sources[p.statement];
    if (!s) {
      s = QuerySource.fromProgress(p);
      s.keepLayout(this.layouts[p.statement]);
      this.sources = { ...this.sources, [p.statement]: s };
    } else {
      s.update(p.rows, false);
    }
  }

  /** dropStale forgets the previous run's results once this run has its own (or ended). */
  private dropStale(): void {
    if (!this.stale) return;
    this.stale = false;
    this.dropSources();
  }

  private dropSources(): void {
    this.dropResultEdits();
    this.sources = {};
  }

  finished(sum: query.Summary): void {
    this.dropStale();
    this.running = false;
    this.stuck = false;
    this.progress = null;
    this.summary = sum;
    if (sum.transaction) this.transaction = sum.transaction;
    void this.plans.finished(sum);
    for (const st of sum.statements ?? []) {
      const s = this.sources[st.index];
      if (s) {
        s.update(st.rows, true);
        // Types the backend named only after the rows (enums, extension types).
        if (st.columns?.length === s.columns.length) s.columns = st.columns;
      }
      else if (st.columns?.length) {
        const src = new QuerySource(sum.queryId, st.index, st.columns);
        src.keepLayout(this.layouts[st.index]);
        src.update(st.rows, true);
        this.sources = { ...this.sources, [st.index]: src };
      }
    }
    if (sum.status === 'cancelled') {
      const kept = (sum.statements ?? []).reduce((n, st) => n + (st.columns?.length ? st.rows : 0), 0);
      this.outcome = {
        status: 'cancelled',
        message: `Cancelled after ${formatDuration(sum.durationMs)}${kept ? `, ${countOf(kept, 'row')} kept` : ''}`,
      };
      return;
    }
    const bad = (sum.statements ?? []).find((s) => s.status === 'error');
    if (bad?.error) {
      this.errorMark = bad.errorOffset >= 0 ? { offset: bad.errorOffset, message: bad.error.message } : null;
    } else if (sum.error) {
      this.addBanner({ source: 'run', severity: 'error', info: sum.error });
    }
  }

  /**
   * sessionLost: the tab's server session ended (broken, terminated, or
   * given up for another tab). Its transaction is gone; a tab that is not
   * running is told what went with it (a run says so in its error).
   */
  sessionLost(l: query.SessionLost): void {
    if (this.summary) this.summary = { ...this.summary, transaction: 'idle', backendPid: 0 } as query.Summary;
    if (this.running || !l.lost?.length) return;
    const why = l.cause === 'reclaimed' ? 'was given up so that another tab could run' : 'ended';
    this.addBanner({
      source: 'session',
      severity: 'warning',
      info: {
        kind: 'connection',
        title: 'Session ended',
        message: `This tab's server session ${why}; lost with it: ${l.lost.join('; ')}.`,
        hint: 'The next run starts on a fresh session: repeat the SET, CREATE TEMP or BEGIN it needs.',
      } as ErrorInfo,
    });
  }

  failed(info: ErrorInfo): void {
    this.dropStale();
    this.running = false;
    this.progress = null;
    this.plans.failed();
    this.addBanner({ source: 'run', severity: info.kind === 'cancelled' ? 'info' : 'error', info });
  }
}

/** What the workspace keeps of a tab across restarts and in the reopen stack. */
interface Persisted {
  tabs: TabInit[];
  activeId: string | null;
}

const storageKey = 'workspace';
/** How many closed tabs Ctrl+Shift+T can bring back. */
export const CLOSED_TABS = 20;

/** What running needs from the connections: whether one is open, and opening it (asking for a password). */
export interface Connector {
  isOpen(connectionId: string): boolean;
  open(connectionId: string): Promise<boolean>;
  /** The safe mode the open connection's runs are held to; a run asks CheckSafety first unless it is 'off'. */
  safeMode?(connectionId: string): string | undefined;
}

/** Questions a run may have to ask the user first; each resolves to whether to go on. */
export interface Questions {
  /** Safe mode wants a confirmation of these dangerous statements. */
  dangerous(tab: EditorTab, guard: Guard): Promise<boolean>;
  /** Explain Analyze would run a statement that changes data (inside BEGIN … ROLLBACK). */
  analyze(tab: EditorTab, info: ExplainInfo): Promise<boolean>;
  /** A new run would drop changes made in the results of the last one. */
  discardEdits?(tab: EditorTab): Promise<boolean>;
}

/** The EXPLAIN options of one run, chosen from those the server has (see ExplainSupport). */
export interface ExplainChoice {
  analyze: boolean;
  choose(support: query.ExplainSupport): { options: string[]; off: string[] };
}

/**
 * Workspace owns the editor tabs: opening, closing (and reopening), running
 * and cancelling their queries, routing query events to them, and saving
 * them in the local store as they change, so a restart (or a crash)
 * restores them.
 */
export class Workspace {
  tabs = $state<EditorTab[]>([]);
  activeId = $state<string | null>(null);
  active = $derived(this.tabs.find((t) => t.id === this.activeId) ?? null);
  /** Bumped when the active tab's editor should take the focus (a new tab). */
  focusRequest = $state(0);
  private closed: TabInit[] = [];
  closedCount = $state(0);
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Asks the user what safe mode and Explain Analyze need to know; without it such runs do not start. */
  questions: Questions | null = null;
  /** The EXPLAIN options each connection's server has. */
  private explainSupport = new Map<string, query.ExplainSupport>();

  constructor(private readonly connector?: Connector) {}

  newTab(connectionId: string | null, sql = '', title?: string, more: Partial<TabInit> = {}): EditorTab {
    const tab = new EditorTab({ title: title ?? this.nextTitle(), connectionId, sql, ...more });
    this.tabs = [...this.tabs, tab];
    this.activeId = tab.id;
    this.focusRequest++;
    this.scheduleSave();
    return tab;
  }

  private nextTitle(): string {
    const used = new Set(this.tabs.map((t) => t.title));
    let n = 1;
    while (used.has(`Query ${n}`)) n++;
    return `Query ${n}`;
  }

  /** openData shows a relation's rows in a data tab: the one already open for it, or a new one. */
  openData(connectionId: string, target: DataTarget): EditorTab {
    const open = this.tabs.find(
      (t) => t.data && t.connectionId === connectionId && t.data.target.schema === target.schema && t.data.target.name === target.name,
    );
    if (open) {
      this.select(open.id);
      return open;
    }
    const title = target.schema === 'public' ? target.name : `${target.schema}.${target.name}`;
    return this.newTab(connectionId, '', title, { data: { schema: target.schema, name: target.name } });
  }

  /** connect opens a connection (asking for a password when needed); true when it is open. */
  async connect(connectionId: string): Promise<boolean> {
    if (!this.connector || this.connector.isOpen(connectionId)) return true;
    return this.connector.open(connectionId);
  }

  byId(id: string): EditorTab | undefined {
    return this.tabs.find((t) => t.id === id);
  }

  /** closeTab closes a tab without asking (the caller asked about unsaved text). */
  async closeTab(id: string): Promise<void> {
    const i = this.tabs.findIndex((t) => t.id === id);
    const tab = this.tabs[i];
    if (!tab) return;
    if (tab.running && tab.queryId) await api.cancelQuery(tab.queryId).catch(() => false);
    tab.data?.close();
    tab.dropResultEdits();
    this.closed = [snapshot(tab), ...this.closed].slice(0, CLOSED_TABS);
    this.closedCount = this.closed.length;
    this.tabs = this.tabs.filter((t) => t.id !== id);
    if (this.activeId === id) this.activeId = this.tabs[Math.min(i, this.tabs.length - 1)]?.id ?? null;
    this.scheduleSave();
    await api.closeSession(id).catch(() => {});
  }

  /** reopenClosed brings back the last closed tab (its text, file and connection). */
  reopenClosed(): EditorTab | null {
    const [last, ...rest] = this.closed;
    if (!last) return null;
    this.closed = rest;
    this.closedCount = rest.length;
    const { connectionId, sql, title, id: _, ...more } = last;
    return this.newTab(connectionId, sql, title, more);
  }

  select(id: string): void {
    if (!this.byId(id)) return;
    this.activeId = id;
    this.scheduleSave();
  }

  /** cycle moves to the next (+1) or previous (-1) tab, wrapping around. */
  cycle(step: 1 | -1): void {
    const n = this.tabs.length;
    if (n === 0) return;
    const i = this.tabs.findIndex((t) => t.id === this.activeId);
    this.select(this.tabs[(i + step + n) % n]!.id);
  }

  /** selectIndex goes to tab n (1-based); 9 is the last tab, as in browsers. */
  selectIndex(n: number): void {
    const tab = n >= 9 ? this.tabs[this.tabs.length - 1] : this.tabs[n - 1];
    if (tab) this.select(tab.id);
  }

  edit(tab: EditorTab, sql: string): void {
    tab.sql = sql;
    this.scheduleSave();
  }

  setConnection(tab: EditorTab, connectionId: string | null): void {
    tab.connectionId = connectionId;
    this.scheduleSave();
  }

  /** markSaved records that the tab's text is now kept in a file or a saved query. */
  markSaved(tab: EditorTab, where: { filePath?: string | null; savedQueryId?: string | null; title?: string; baseline?: string }): void {
    if (where.filePath !== undefined) tab.filePath = where.filePath;
    if (where.savedQueryId !== undefined) tab.savedQueryId = where.savedQueryId;
    if (where.title) tab.title = where.title;
    tab.baseline = where.baseline ?? tab.sql;
    this.scheduleSave();
  }

  /**
   * run runs what the user asked in the tab. A tab whose connection is not
   * open connects first (asking for a password when none is stored).
   */
  async run(tab: EditorTab, req: RunRequest): Promise<void> {
    // A second Ctrl+Enter while the first is still connecting or being
    // checked for safety must not start a second run (the backend would
    // refuse it as "already running" and the tab would show an error).
    if (tab.running || this.starting.has(tab.id)) return;
    this.starting.add(tab.id);
    try {
      if (!(await this.keepEdits(tab))) return;
      await this.launch(tab, req);
    } finally {
      this.starting.delete(tab.id);
    }
  }

  /** Whether a run may go on: nothing is pending in the results, or the user lets it go. */
  private async keepEdits(tab: EditorTab): Promise<boolean> {
    return !tab.resultEditsPending || ((await this.questions?.discardEdits?.(tab)) ?? false);
  }

  /** Tabs whose run is being prepared (connecting, safety check), not yet started. */
  private starting = new Set<string>();

  private async launch(tab: EditorTab, req: RunRequest): Promise<void> {
    const connectionId = await this.connected(tab);
    if (!connectionId) return;
    let asked = performance.now();
    const request = {
      sessionId: tab.id,
      connectionId,
      sql: req.sql,
      offset: req.offset,
      cursor: req.mode === 'statement' ? req.cursor : undefined,
      params: [],
      firstPage: 200,
    };
    // Safe mode: Execute enforces it; asking first lets the user confirm,
    // and shows which statements a blocked run refused. With safe mode off
    // there is nothing to ask (the check would answer "run"): one round trip
    // less before the rows.
    let confirmDangerous = false;
    if (this.connector?.safeMode?.(connectionId) !== 'off') {
      try {
        const guard = await api.checkSafety(request);
        if (guard.action === 'block') {
          this.refuse(tab, guard, req.mode === 'script');
          return;
        }
        if (guard.action === 'confirm') {
          tab.dangerMarks = marks(guard);
          // Declined: nothing runs and the marks stay, the statements being still there.
          if (!((await this.questions?.dangerous(tab, guard)) ?? false)) return;
          confirmDangerous = true;
          asked = performance.now(); // the run starts when the user said yes
        }
      } catch (e) {
        tab.failed(e instanceof AppError ? e.info : ({ kind: 'internal', title: 'Not run', message: String(e) } as ErrorInfo));
        return;
      }
    }
    const queryId = newId();
    // The ID is the tab's before Execute is called: events that beat its answer find the tab.
    tab.started(queryId, asked);
    try {
      await api.execute({ ...request, queryId, confirmDangerous });
    } catch (e) {
      if (tab.queryId === queryId) tab.failed(e instanceof AppError ? e.info : ({ kind: 'internal', title: 'Not run', message: String(e) } as ErrorInfo));
    }
  }

  /**
   * markDangers marks the statements of the tab's text that safe mode would
   * ask about or block (the backend's lexer reads them; nothing runs), so
   * they show while the user types. No marks when the connection is closed
   * or its safe mode is off; a reply for text edited since is dropped.
   */
  async markDangers(tab: EditorTab): Promise<void> {
    const connectionId = tab.connectionId;
    if (!connectionId || tab.running || (this.connector && !this.connector.isOpen(connectionId))) return;
    if (this.connector?.safeMode?.(connectionId) === 'off') {
      tab.dangerMarks = [];
      return;
    }
    const sql = tab.sql;
    try {
      const guard = await api.checkSafety({ sessionId: tab.id, connectionId, sql, offset: 0 });
      if (tab.sql === sql && !tab.running) tab.dangerMarks = marks(guard);
    } catch {
      // The connection closed meanwhile: the run will say so, and check again.
    }
  }

  /** refuse reports a run safe mode blocked: which statements (numbered in a script), marked in the editor, and why. */
  private refuse(tab: EditorTab, guard: Guard, script: boolean): void {
    const lines = guard.dangers.map((d) => (script ? `statement ${d.statement + 1}: ${d.message}` : d.message));
    tab.failed({
      kind: 'validation',
      title: 'Blocked by safe mode',
      message: lines.length === 1 ? `${lines[0]}: safe mode blocks it, nothing ran.` : `${lines.length} statements are blocked by safe mode, nothing ran: ${lines.join('; ')}.`,
      hint: "This connection's safe mode blocks such statements: add a WHERE clause, or change the connection's safe mode (Connection → Edit Connection…).",
    } as ErrorInfo);
    tab.dangerMarks = marks(guard);
  }

  /**
   * connected returns the tab's connection, connecting first when it is
   * closed (asking for a password when none is stored); null when there is
   * none or it could not be opened (the tab says why).
   */
  private async connected(tab: EditorTab): Promise<string | null> {
    const connectionId = tab.connectionId;
    if (!connectionId) {
      tab.failed({ kind: 'validation', title: 'No connection', message: 'Choose a connection for this tab first.', hint: 'Pick one in the toolbar, or press Ctrl+Shift+K.' } as ErrorInfo);
      return null;
    }
    if (this.connector && !this.connector.isOpen(connectionId)) {
      tab.running = true; // the Run button shows the tab is busy while it connects
      tab.startedAt = performance.now();
      const ok = await this.connector.open(connectionId);
      tab.running = false;
      if (!ok) {
        tab.failed({ kind: 'connection', title: 'Not connected', message: 'The query did not run because the connection could not be opened.', hint: 'The sidebar shows why; fix it and run again.' } as ErrorInfo);
        return null;
      }
    }
    return connectionId;
  }

  /**
   * explain runs EXPLAIN (FORMAT JSON, …) of the statement under the cursor
   * or the selection; the plan then shows in the tab's results. Before an
   * EXPLAIN ANALYZE of a statement that changes data it asks once per tab:
   * the statement runs, inside BEGIN … ROLLBACK.
   */
  async explain(tab: EditorTab, req: RunRequest, choice: ExplainChoice): Promise<void> {
    if (tab.running || !(await this.keepEdits(tab))) return;
    const connectionId = await this.connected(tab);
    if (!connectionId) return;
    const fail = (e: unknown) => tab.failed(e instanceof AppError ? e.info : ({ kind: 'internal', title: 'Not explained', message: String(e) } as ErrorInfo));
    let request;
    try {
      let support = this.explainSupport.get(connectionId);
      if (!support) {
        support = await api.explainOptions({ sessionId: tab.id, connectionId });
        this.explainSupport.set(connectionId, support);
      }
      request = {
        sessionId: tab.id,
        connectionId,
        sql: req.sql,
        offset: req.offset,
        cursor: req.mode === 'statement' ? req.cursor : undefined,
        analyze: choice.analyze,
        ...choice.choose(support),
      };
      const info = await api.prepareExplain(request);
      if (choice.analyze && info.changesData && !tab.plans.analyzeConfirmed) {
        if (!((await this.questions?.analyze(tab, info)) ?? false)) return;
        tab.plans.analyzeConfirmed = true;
      }
      const queryId = newId();
      tab.plans.explaining(queryId, info);
      tab.started(queryId);
      try {
        await api.explain({ ...request, queryId });
      } catch (e) {
        if (tab.queryId === queryId) fail(e);
      }
    } catch (e) {
      fail(e);
    }
  }

  /** endTransaction commits or rolls back the tab's open transaction (manual commit, or a BEGIN the user ran). */
  async endTransaction(tab: EditorTab, commit: boolean): Promise<boolean> {
    try {
      tab.transaction = commit ? await api.commit(tab.id) : await api.rollback(tab.id);
      // Like a run's outcome: the next run replaces it (it would contradict a transaction opened since).
      tab.addBanner({ source: 'run', severity: 'info', info: { kind: 'cancelled', title: commit ? 'Committed' : 'Rolled back', message: commit ? 'The transaction was committed.' : 'The transaction was rolled back.' } as ErrorInfo });
      return true;
    } catch (e) {
      if (e instanceof AppError) {
        tab.addBanner({ source: 'session', severity: 'error', info: e.info });
        // A COMMIT that failed, or of a failed transaction, still ended it:
        // the server rolled it back. A refusal (a query runs) changed nothing.
        if (e.kind !== Kind.Validation) tab.transaction = 'idle';
      }
      return false;
    }
  }

  /** openTransactions lists the tabs of a connection (or all tabs) that are inside a transaction. */
  openTransactions(connectionId?: string): EditorTab[] {
    return this.tabs.filter((t) => (!connectionId || t.connectionId === connectionId) && inTransaction(t));
  }

  async cancel(tab: EditorTab): Promise<boolean> {
    if (!tab.running || !tab.queryId) return false;
    return api.cancelQuery(tab.queryId).catch(() => false);
  }

  async terminate(tab: EditorTab, how: 'terminate' | 'drop'): Promise<void> {
    if (!tab.queryId) return;
    try {
      if (how === 'terminate') await api.terminateQuery(tab.queryId);
      else await api.dropQueryConnection(tab.queryId);
    } catch (e) {
      if (e instanceof AppError) tab.addBanner({ source: 'session', severity: 'error', info: e.info });
    }
  }

  private byQuery(id: string): EditorTab | undefined {
    return this.tabs.find((t) => t.queryId === id);
  }

  /** start follows query events; returns the cleanup for an $effect. */
  start(): () => void {
    const offs = [
      on('query:progress', (p) => this.byQuery(p.queryId)?.progressed(p)),
      on('query:done', (s) => this.byQuery(s.queryId)?.finished(s)),
      on('query:error', (s) => this.byQuery(s.queryId)?.finished(s)),
      on('session:lost', (l) => this.tabs.find((t) => t.id === l.sessionId)?.sessionLost(l)),
      on('query:stuck', (s) => {
        const t = this.byQuery(s.queryId);
        if (t?.running) t.stuck = true;
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async restore(): Promise<void> {
    const saved = await api.getUIState<Persisted>(storageKey).catch(() => null);
    if (saved?.tabs?.length) {
      this.tabs = saved.tabs.map((t) => new EditorTab(t));
      this.activeId = saved.tabs.some((t) => t.id === saved.activeId) ? saved.activeId : (this.tabs[0]?.id ?? null);
    }
  }

  scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.save(), 300);
  }

  async save(): Promise<void> {
    clearTimeout(this.saveTimer);
    const data: Persisted = { tabs: this.tabs.map(snapshot), activeId: this.activeId };
    await api.setUIState(storageKey, data).catch(() => {});
  }
}

/** inTransaction: the tab's session is inside a transaction block (open or failed) that closing would roll back. */
export function inTransaction(t: EditorTab): boolean {
  return t.transaction === 'in transaction' || t.transaction === 'failed transaction';
}

function marks(guard: Guard): { from: number; to: number; message: string }[] {
  return guard.dangers.map((d) => ({ from: d.start, to: d.end, message: d.message }));
}

function snapshot(t: EditorTab): TabInit {
  return {
    id: t.id,
    title: t.title,
    connectionId: t.connectionId,
    sql: t.sql,
    filePath: t.filePath,
    fileBom: t.fileBom,
    fileLineEnding: t.fileLineEnding,
    savedQueryId: t.savedQueryId,
    baseline: t.baseline,
    data: t.data ? { ...t.data.target } : null,
  };
}
