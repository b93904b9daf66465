import { describe, expect, test, vi } from 'vitest';
import { lazy, preload } from './lazy';

describe('lazy', () => {
  test('imports once, on the first load, and gives the default export', async () => {
    const importer = vi.fn(async () => ({ default: 'view' }));
    const v = lazy(importer);
    expect(importer).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([v.load(), v.load()]);
    expect([a, b]).toEqual(['view', 'view']);
    expect(await v.load()).toBe('view');
    expect(importer).toHaveBeenCalledTimes(1);
  });

  test('tries again after a failed import, and logs the failure', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const importer = vi.fn().mockRejectedValueOnce(new Error('fetch failed')).mockResolvedValue({ default: 'view' });
    const v = lazy<string>(importer);
    await expect(v.load()).rejects.toThrow('fetch failed');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('fetch failed'));
    expect(await v.load()).toBe('view');
    expect(importer).toHaveBeenCalledTimes(2);
    log.mockRestore();
  });
});

describe('preload', () => {
  test('loads nothing before the first screen is up, then every module', async () => {
    let up!: () => void;
    const interactive = new Promise<void>((r) => (up = r));
    const a = vi.fn(async () => ({ default: 'a' }));
    const b = vi.fn(async () => ({ default: 'b' }));
    preload(interactive, [lazy(a), lazy(b)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(a).not.toHaveBeenCalled();
    up();
    await vi.waitFor(() => expect(b).toHaveBeenCalledTimes(1));
    expect(a).toHaveBeenCalledTimes(1);
  });

  test('goes on after a module that fails', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = vi.fn(async (): Promise<{ default: string }> => {
      throw new Error('gone');
    });
    const good = vi.fn(async () => ({ default: 'good' }));
    preload(Promise.resolve(), [lazy(bad), lazy(good)]);
    await vi.waitFor(() => expect(good).toHaveBeenCalledTimes(1));
    log.mockRestore();
  });
});
