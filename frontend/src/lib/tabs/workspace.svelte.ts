import { api, on, AppError, type ErrorInfo } from '../api';
import type { query } from '../../../wailsjs/go/models';
import { QuerySource } from './source.svelte';

export type RunMode = 'statement' | 'script' | 'selection';
export interface RunRequest {
  mode: RunMode;
  sql: string;
  offset: number;
  cursor?: number;
}

let counter = 0;
const newId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `tab-${Date.now()}-${++counter}`;

/** EditorTab is one editor with its session (its own pinned connection) and last run. */
export class EditorTab {
  readonly id: string;
  title = $state('');
  connectionId = $state<string | null>(null);
  sql = $state('');
  running = $state(false);
  queryId = $state<string | null>(null);
  startedAt = $state(0);
  summary = $state.raw<query.Summary | null>(null);
  failure = $state.raw<ErrorInfo | null>(null);
  /** Where the editor should mark the error (UTF-16 offset into sql). */
  errorMark = $state.raw<{ offset: number; message: string } | null>(null);
  sources = $state.raw<Record<number, QuerySource>>({});
  /** The server ignored the cancel: offer Terminate or Drop. */
  stuck = $state(false);

  constructor(init: { id?: string; title: string; connectionId: string | null; sql: string }) {
    this.id = init.id ?? newId();
    this.title = init.title;
    this.connectionId = init.connectionId;
    this.sql = init.sql;
  }

  sourceFor(statement: number): QuerySource | undefined {
    return this.sources[statement];
  }

  progress(p: query.Progress): void {
    let s = this.sources[p.statement];
    if (!s) {
      s = QuerySource.fromProgress(p);
      this.sources = { ...this.sources, [p.statement]: s };
    } else {
      s.update(p.rows, false);
    }
  }

  finished(sum: query.Summary): void {
    this.running = false;
    this.stuck = false;
    this.summary = sum;
    for (const st of sum.statements ?? []) {
      const s = this.sources[st.index];
      if (s) s.update(st.rows, true);
      else if (st.columns?.length) {
        const src = new QuerySource(sum.queryId, st.index, st.columns);
        src.update(st.rows, true);
        this.sources = { ...this.sources, [st.index]: src };
      }
    }
    const bad = (sum.statements ?? []).find((s) => s.status === 'error');
    if (bad?.error) {
      this.errorMark = bad.errorOffset >= 0 ? { offset: bad.errorOffset, message: bad.error.message } : null;
      this.failure = bad.error;
    } else if (sum.error) {
      this.failure = sum.error;
    }
  }
}

interface Persisted {
  tabs: { id: string; title: string; connectionId: string | null; sql: string }[];
  activeId: string | null;
}

const storageKey = 'workspace';

/**
 * Workspace owns the editor tabs: running and cancelling their queries,
 * routing query events to them, and saving them (SQL, connection, active tab)
 * in the local store as they change, so a restart (or a crash) restores them.
 */
export class Workspace {
  tabs = $state<EditorTab[]>([]);
  activeId = $state<string | null>(null);
  active = $derived(this.tabs.find((t) => t.id === this.activeId) ?? null);
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  newTab(connectionId: string | null, sql = '', title?: string): EditorTab {
    const tab = new EditorTab({ title: title ?? `Query ${this.tabs.length + 1}`, connectionId, sql });
    this.tabs = [...this.tabs, tab];
    this.activeId = tab.id;
    this.scheduleSave();
    return tab;
  }

  async closeTab(id: string): Promise<void> {
    const i = this.tabs.findIndex((t) => t.id === id);
    if (i < 0) return;
    this.tabs = this.tabs.filter((t) => t.id !== id);
    if (this.activeId === id) this.activeId = this.tabs[Math.max(0, i - 1)]?.id ?? null;
    this.scheduleSave();
    await api.closeSession(id).catch(() => {});
  }

  select(id: string): void {
    this.activeId = id;
    this.scheduleSave();
  }

  edit(tab: EditorTab, sql: string): void {
    tab.sql = sql;
    this.scheduleSave();
  }

  setConnection(tab: EditorTab, connectionId: string | null): void {
    tab.connectionId = connectionId;
    this.scheduleSave();
  }

  async run(tab: EditorTab, req: RunRequest): Promise<void> {
    if (!tab.connectionId) {
      tab.failure = new AppError({
        kind: 'validation',
        title: 'No connection',
        message: 'Choose a connection for this tab first.',
      } as ErrorInfo).info;
      return;
    }
    tab.failure = null;
    tab.errorMark = null;
    tab.summary = null;
    tab.sources = {};
    tab.running = true;
    tab.startedAt = performance.now();
    try {
      const started = await api.execute({
        sessionId: tab.id,
        connectionId: tab.connectionId,
        sql: req.sql,
        offset: req.offset,
        cursor: req.mode === 'statement' ? req.cursor : undefined,
        params: [],
        firstPage: 200,
      });
      tab.queryId = started.queryId;
    } catch (e) {
      tab.running = false;
      tab.failure = e instanceof AppError ? e.info : null;
    }
  }

  async cancel(tab: EditorTab): Promise<void> {
    if (tab.running && tab.queryId) await api.cancelQuery(tab.queryId).catch(() => false);
  }

  async terminate(tab: EditorTab, how: 'terminate' | 'drop'): Promise<void> {
    if (!tab.queryId) return;
    if (how === 'terminate') await api.terminateQuery(tab.queryId).catch(() => {});
    else await api.dropQueryConnection(tab.queryId).catch(() => {});
  }

  private byQuery(id: string): EditorTab | undefined {
    return this.tabs.find((t) => t.queryId === id);
  }

  /** start follows query events; returns the cleanup for an $effect. */
  start(): () => void {
    const offs = [
      on('query:progress', (p) => this.byQuery(p.queryId)?.progress(p)),
      on('query:done', (s) => this.byQuery(s.queryId)?.finished(s)),
      on('query:error', (s) => this.byQuery(s.queryId)?.finished(s)),
      on('query:stuck', (s) => {
        const t = this.byQuery(s.queryId);
        if (t) t.stuck = true;
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
    const data: Persisted = {
      tabs: this.tabs.map((t) => ({ id: t.id, title: t.title, connectionId: t.connectionId, sql: t.sql })),
      activeId: this.activeId,
    };
    await api.setUIState(storageKey, data).catch(() => {});
  }
}
