import { render, screen, fireEvent } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return {
    ...original,
    api: { appInfo: vi.fn(), getUIState: vi.fn(), setUIState: vi.fn() },
  };
});

import { api, AppError, Kind } from '../api';
import { startup } from '../startup.svelte';
import { Theme } from '../theme.svelte';
import StartScreen from './StartScreen.svelte';

const mocked = vi.mocked(api);

const info = {
  version: '1.2.3',
  devBuild: false,
  platform: 'linux/amd64',
  dataDir: '/home/ann/.local/share/tusk',
  storePath: '/home/ann/.local/share/tusk/tusk.db',
  storeInMemory: false,
  logPath: '/home/ann/.local/share/tusk/logs/tusk.log',
  keychain: { available: true, usingFallback: false, reason: '', probeMs: 2.25, sessionSecrets: 0 },
  startupMs: 12.5,
  notices: [{ severity: 'warning', error: { kind: 'storage', title: 'Local store recovered', message: 'moved aside', hint: '' } }],
};

describe('StartScreen', () => {
  beforeEach(() => {
    vi.resetAllMocks();
  });

  it('shows what the backend reports', async () => {
    mocked.appInfo.mockResolvedValue(info as never);
    render(StartScreen, { theme: new Theme() });
    expect(await screen.findByTestId('data-dir')).toHaveTextContent(info.dataDir);
    expect(screen.getByTestId('version')).toHaveTextContent('v1.2.3');
    expect(screen.getByTestId('log-path')).toHaveTextContent(info.logPath);
    expect(screen.getByTestId('startup')).toHaveTextContent('12.5 ms');
    expect(screen.getByTestId('keychain')).toHaveTextContent('OS keychain (answered in 2.3 ms)');
    expect(screen.getByTestId('notice')).toHaveTextContent('Local store recovered');
  });

  it('shows the true startup figures once the webview reported them', async () => {
    mocked.appInfo.mockResolvedValue(info as never);
    startup.firstPaintMs = 212.4;
    startup.interactiveMs = 268.6;
    try {
      render(StartScreen, { theme: new Theme() });
      expect(await screen.findByTestId('startup')).toHaveTextContent(
        '212 ms to the first frame, 269 ms to interactive (state 12.5 ms)',
      );
    } finally {
      startup.firstPaintMs = null;
      startup.interactiveMs = null;
    }
  });

  it('shows an error with its hint when the call fails', async () => {
    mocked.appInfo.mockRejectedValue(
      new AppError({ kind: Kind.Storage, title: 'Local storage error', message: 'disk full', hint: 'Free some space.' } as never),
    );
    render(StartScreen, { theme: new Theme() });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('disk full');
    expect(alert).toHaveTextContent('Free some space.');
    expect(alert.dataset.kind).toBe('storage');
  });

  it('toggles and persists the theme', async () => {
    mocked.appInfo.mockResolvedValue(info as never);
    mocked.setUIState.mockResolvedValue();
    const theme = new Theme(false);
    render(StartScreen, { theme });
    await fireEvent.click(screen.getByTestId('theme-toggle'));
    expect(theme.current).toBe('dark');
    expect(mocked.setUIState).toHaveBeenCalledWith('theme', 'dark');
    expect(screen.getByTestId('theme-toggle')).toHaveTextContent('Light theme');
  });
});
