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
      } else {
        this.lastError = info;
      }
      return false;
    } finally {
      const { [id]: _, ...rest } = this.busy;
      this.busy = rest;
    }
  }

  async disconnect(id: string): Promise<void> {
    await api.disconnect(id);
  }
}
