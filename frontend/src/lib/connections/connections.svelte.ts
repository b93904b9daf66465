import { api, AppError, type ConnectionConfig, type ConnectionGroup, type ErrorInfo, type KeychainStatus } from '../api';
import { markerOf } from '../safety/marker';

/** A question the user must answer before a connection can open: a password, or an unknown SSH host key. */
export interface PasswordPrompt {
  connection: ConnectionConfig;
  error: ErrorInfo;
}

/**
 * Connections holds the saved connections and the keychain status, and
 * connects: when the server wants a password that is not stored, it raises
 * a prompt instead of an error, and `open` waits for the user's answer.
 */
export class Connections {
  list = $state.raw<ConnectionConfig[]>([]);
  /** The sidebar's folders, in the user's order. */
  groups = $state.raw<ConnectionGroup[]>([]);
  keychain = $state.raw<KeychainStatus | null>(null);
  prompt = $state.raw<PasswordPrompt | null>(null);
  /** An unknown SSH host key waiting for the user's decision. */
  hostKey = $state.raw<PasswordPrompt | null>(null);
  lastError = $state.raw<ErrorInfo | null>(null);
  busy = $state.raw<Record<string, boolean>>({});
  /** Callers of open() waiting for a prompt's outcome, by connection ID. */
  private waiting = new Map<string, ((ok: boolean) => void)[]>();

  byId(id: string | null | undefined): ConnectionConfig | undefined {
    return this.list.find((c) => c.id === id);
  }

  async load(): Promise<void> {
    const [list, groups, keychain] = await Promise.all([api.listConnections(), api.listConnectionGroups(), api.keychainStatus()]);
    this.list = list;
    this.groups = groups;
    this.keychain = keychain;
  }

  /** members lists a folder's connections in order ("" = not in a folder). */
  members(groupId: string): ConnectionConfig[] {
    return this.list.filter((c) => (c.groupId || '') === groupId);
  }

  groupOf(c: ConnectionConfig | undefined): ConnectionGroup | undefined {
    return c?.groupId ? this.groups.find((g) => g.id === c.groupId) : undefined;
  }

  /** colorOf is the colour of the connection's production marker, else its own colour, else its folder's. */
  colorOf(c: ConnectionConfig | undefined): string {
    return markerOf(c)?.color || c?.color || this.groupOf(c)?.color || '';
  }

  async saveGroup(g: Partial<ConnectionGroup> & { name: string }): Promise<ConnectionGroup> {
    const saved = await api.saveConnectionGroup(g);
    await this.load();
    return saved;
  }

  async deleteGroup(id: string): Promise<void> {
    await api.deleteConnectionGroup(id);
    await this.load();
  }

  /** moveTo files a connection at the end of a folder ("" = out of any folder). */
  async moveTo(id: string, groupId: string): Promise<void> {
    const rest = this.members(groupId).filter((c) => c.id !== id);
    await api.arrangeConnections([...rest.map((c) => c.id), id].map((cid, i) => ({ id: cid, groupId, position: i + 1 })));
    await this.load();
  }

  /** move shifts a connection up (-1) or down (+1) within its folder. */
  async move(id: string, step: -1 | 1): Promise<void> {
    const c = this.byId(id);
    if (!c) return;
    const groupId = c.groupId || '';
    const ids = this.members(groupId).map((m) => m.id);
    const i = ids.indexOf(id);
    const j = i + step;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    await api.arrangeConnections(ids.map((cid, k) => ({ id: cid, groupId, position: k + 1 })));
    await this.load();
  }

  /** moveGroup shifts a folder up (-1) or down (+1). */
  async moveGroup(id: string, step: -1 | 1): Promise<void> {
    const ids = this.groups.map((g) => g.id);
    const i = ids.indexOf(id);
    const j = i + step;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    await api.arrangeConnectionGroups(ids);
    await this.load();
  }

  async refreshKeychain(): Promise<void> {
    this.keychain = await api.keychainStatus();
  }

  /** retryKeychain checks the OS keychain again (the user unlocked it). */
  async retryKeychain(): Promise<void> {
    this.keychain = await api.retryKeychain();
  }

  async remove(id: string): Promise<void> {
    await api.deleteConnection(id);
    await this.load();
  }

  /**
   * connect tries once. It returns false when it failed, raised a password
   * prompt or a host-key question (see open() to wait for those).
   */
  async connect(id: string, password = '', remember = false): Promise<boolean> {
    this.busy = { ...this.busy, [id]: true };
    this.lastError = null;
    try {
      await api.connect({ id, password, remember, sshSecret: '', rememberSshSecret: false });
      if (this.prompt?.connection.id === id) this.prompt = null;
      this.settle(id, true);
      if (remember && password) void this.refreshKeychain().catch(() => {});
      return true;
    } catch (e) {
      const info = e instanceof AppError ? e.info : null;
      const conn = this.byId(id);
      if (info?.kind === 'authentication' && conn && info.code === '28P01') {
        this.prompt = { connection: conn, error: info };
      } else if (info?.hostKey && !info.hostKey.changed && conn) {
        this.hostKey = { connection: conn, error: info };
      } else {
        if (this.prompt?.connection.id === id) this.prompt = { ...this.prompt, error: info ?? this.prompt.error };
        else {
          this.lastError = info;
          this.settle(id, false);
        }
      }
      return false;
    } finally {
      const { [id]: _, ...rest } = this.busy;
      this.busy = rest;
    }
  }

  /**
   * open connects and, when that raises a password prompt or a host-key
   * question, waits until the user has answered it: true once connected,
   * false when the user gave up or it failed.
   */
  async open(id: string): Promise<boolean> {
    if (await this.connect(id)) return true;
    if (this.prompt?.connection.id !== id && this.hostKey?.connection.id !== id) return false;
    return new Promise((resolve) => this.waiting.set(id, [...(this.waiting.get(id) ?? []), resolve]));
  }

  /** dismissPrompt is the prompt's Cancel: whoever waits in open() gets false. */
  dismissPrompt(): void {
    const id = this.prompt?.connection.id ?? this.hostKey?.connection.id;
    this.prompt = null;
    this.hostKey = null;
    if (id) this.settle(id, false);
  }

  private settle(id: string, ok: boolean): void {
    const list = this.waiting.get(id);
    this.waiting.delete(id);
    list?.forEach((resolve) => resolve(ok));
  }

  /** trustHostKey accepts the pending host key and connects again. */
  async trustHostKey(): Promise<boolean> {
    const pending = this.hostKey;
    if (!pending?.error.hostKey) return false;
    this.hostKey = null;
    await api.acceptHostKey(pending.error.hostKey.fingerprint);
    return this.connect(pending.connection.id);
  }

  /**
   * Asked before a connection closes (open transactions would be rolled
   * back); false keeps it open.
   */
  beforeDisconnect: ((id: string) => Promise<boolean>) | null = null;

  /** disconnect closes a connection's pool, once beforeDisconnect agrees; false when it did not. */
  async disconnect(id: string): Promise<boolean> {
    if (this.beforeDisconnect && !(await this.beforeDisconnect(id))) return false;
    await api.disconnect(id);
    return true;
  }
}
