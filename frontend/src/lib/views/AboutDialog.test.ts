import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return { ...original, api: { about: vi.fn(), openLogFolder: vi.fn() } };
});

import { api, AppError, Kind } from '../api';
import { overlays } from '../shared/overlays.svelte';
import AboutDialog from './AboutDialog.svelte';

const mocked = vi.mocked(api);

const about = {
  version: '0.2.0-rc.1',
  commit: '1a2b3c4d5e6f',
  buildDate: '2026-12-03T12:00:00Z',
  devBuild: false,
  go: 'go1.26.8',
  wails: 'v2.16.0',
  webView: 'WebKitGTK 2.50.1',
  platform: 'linux/amd64',
  dataDir: '/home/ann/.local/share/tusk',
  logPath: '',
  report: 'Tusk: 0.2.0-rc.1\nCommit: 1a2b3c4d5e6f\n',
};

describe('AboutDialog', () => {
  beforeEach(() => {
    vi.resetAllMocks();
  });

  it('shows the build and where data and logs live', async () => {
    mocked.about.mockResolvedValue(about as never);
    render(AboutDialog, { onclose: vi.fn() });
    expect(await screen.findByTestId('about-version')).toHaveTextContent('0.2.0-rc.1');
    const dialog = screen.getByTestId('about-dialog');
    for (const text of ['1a2b3c4d5e6f', '2026-12-03T12:00:00Z', 'go1.26.8', 'v2.16.0', 'WebKitGTK 2.50.1', about.dataDir, 'console only']) {
      expect(dialog).toHaveTextContent(text);
    }
    await waitFor(() => expect(screen.getByTestId('about-close')).toHaveFocus());
    expect(screen.getByTestId('about-logs')).toBeDisabled(); // console only: no folder to open
  });

  it('copies the plain-text report', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    mocked.about.mockResolvedValue(about as never);
    render(AboutDialog, { onclose: vi.fn() });
    await screen.findByTestId('about-version');
    await fireEvent.click(screen.getByTestId('about-copy'));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(about.report));
    expect(await screen.findByRole('status')).toHaveTextContent('Copied');
  });

  it('closes on Escape, on Close and on the backdrop, not on a click inside', async () => {
    mocked.about.mockResolvedValue(about as never);
    const onclose = vi.fn();
    render(AboutDialog, { onclose });
    await screen.findByTestId('about-version');
    await fireEvent.click(screen.getByTestId('about-dialog'));
    expect(onclose).not.toHaveBeenCalled();
    // Esc reaches the topmost overlay through the stack (the app's key handler).
    expect(overlays.closeTop()).toBe(true);
    expect(onclose).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByTestId('about-close'));
    expect(onclose).toHaveBeenCalledTimes(2);
    await fireEvent.pointerDown(screen.getByTestId('about-dialog').parentElement!);
    expect(onclose).toHaveBeenCalledTimes(3);
  });

  it('opens the log folder, and shows why when it cannot', async () => {
    mocked.about.mockResolvedValue({ ...about, logPath: '/home/ann/.local/share/tusk/logs/tusk.log' } as never);
    mocked.openLogFolder.mockResolvedValueOnce(undefined);
    render(AboutDialog, { onclose: vi.fn() });
    await screen.findByTestId('about-version');
    await fireEvent.click(screen.getByTestId('about-logs'));
    expect(mocked.openLogFolder).toHaveBeenCalledOnce();
    mocked.openLogFolder.mockRejectedValueOnce(new AppError({ kind: Kind.Storage, title: 'Local storage error', message: 'the log folder cannot be read', hint: 'Check it' } as never));
    await fireEvent.click(screen.getByTestId('about-logs'));
    expect(await screen.findByTestId('error')).toHaveTextContent('the log folder cannot be read');
  });

  it('shows a failure instead of the facts', async () => {
    mocked.about.mockRejectedValue(new AppError({ kind: Kind.Internal, title: 'Internal error', message: 'boom', hint: '' } as never));
    render(AboutDialog, { onclose: vi.fn() });
    expect(await screen.findByTestId('error')).toHaveTextContent('boom');
    expect(screen.getByTestId('about-copy')).toBeDisabled();
  });
});
