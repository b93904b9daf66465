import { api, AppError, type ConnectionConfig, type ErrorInfo, type KeychainStatus } from '../api';

/** A password the user must type before a connection can open. */
export interface PasswordPrompt {
  connection: ConnectionConfig;
  error: ErrorInfo;
}

/**
 * Connections holds the saved connections and the keychain status, and
 * connects: when the server wants a password that is not stored, it raises
 * a prompt instead of an error.
 */
export class Connections {
  list = $state.raw<ConnectionConfig[]>([]);
  keychain = $state.raw<KeychainStatus | null>(null);
  prompt = $state.raw<PasswordPrompt | null>(null);
  /** An unknown SSH host key waiting for the user's decision. */
  hostKey = $state.raw<PasswordPrompt | null>(null);
  lastError = $state.raw<ErrorInfo | null>(null);
  busy = $state.raw<Record<string, boolean>>({});

  byId(id: string | null): ConnectionConfig | undefined {
    return this.list.find((c) => c.id === id);
  }

  async load(): Promise<void> {
    const [list, keychain] = await Promise.all([api.listConnections(), api.keychainStatus()]);
    this.list = list;
    this.keychain = keychain;
  }

  async remove(id: string): Promise<void> {
    await api.deleteConnection(id);
    await this.load();
  }

  async connect(id: string, password = '', remember = false): Promise<boolean> {
    this.busy = { ...this.busy, [id]: true };
    this.lastError = null;
    try {
      await api.connect({ id, password, remember, sshSecret: '', rememberSshSecret: false });
      this.prompt = null;
      return true;
    } catch (e) {
      const info = e instanceof AppError ? e.info : null;
      const conn = this.byId(id);
      if (info?.kind === 'authentication' && conn && info.code === '28P01') {
        this.prompt = { connection: conn, error: info };
      } else if (info?.hostKey && !info.hostKey.changed && conn) {
        this.hostKey = { connection: conn, error: info };
      } else {
        this.lastError = info;
      }
      return false;
    } finally {
      const { [id]: _, ...rest } = this.busy;
      this.busy = rest;
    }
  }

  /** trustHostKey accepts the pending host key and connects again. */
  async trustHostKey(): Promise<boolean> {
    const pending = this.hostKey;
    if (!pending?.error.hostKey) return false;
    this.hostKey = null;
    await api.acceptHostKey(pending.error.hostKey.fingerprint);
    return this.connect(pending.connection.id);
  }

  async disconnect(id: string): Promise<void> {
    await api.disconnect(id);
  }
}
