// The only module that imports the generated Wails bindings. Components call
// `api.*`; unit tests stub this module (vi.mock('$lib/api')).
import * as App from '../../../wailsjs/go/main/App';
import type { main } from '../../../wailsjs/go/models';
import { call } from './errors';

export { AppError, toAppError, Kind, type ErrorInfo } from './errors';
export type AppInfo = main.AppInfo;
export type Notice = main.Notice;

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
};
