import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return {
    ...original,
    api: {
      connect: vi.fn(),
      acceptHostKey: vi.fn(),
      listConnections: vi.fn(),
      listConnectionGroups: vi.fn(),
      keychainStatus: vi.fn(),
    },
  };
});

import { api, AppError } from '../api';
import { Connections } from './connections.svelte';

const mocked = vi.mocked(api);
const conn = { id: 'c1', name: 'prod', host: 'db', port: 5432, database: 'app', user: 'ann' } as never;

function reject(info: object) {
  mocked.connect.mockRejectedValueOnce(new AppError({ title: 't', message: 'm', ...info } as never));
}

describe('Connections.connect', () => {
  let c: Connections;
  beforeEach(() => {
    vi.resetAllMocks();
    c = new Connections();
    c.list = [conn];
  });

  it('asks for a password when the server rejects the missing one', async () => {
    reject({ kind: 'authentication', code: '28P01' });
    expect(await c.connect('c1')).toBe(false);
    expect(c.prompt?.connection).toBe(conn);
    expect(c.lastError).toBeNull();
    mocked.connect.mockResolvedValueOnce({} as never);
    expect(await c.connect('c1', 'pw', true)).toBe(true);
    expect(mocked.connect).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'c1', password: 'pw', remember: true }));
    expect(c.prompt).toBeNull();
  });

  it('asks about an unknown SSH host key, and trusting it reconnects', async () => {
    reject({ kind: 'ssh', hostKey: { host: 'bastion', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc', changed: false } });
    await c.connect('c1');
    expect(c.hostKey?.error.hostKey?.fingerprint).toBe('SHA256:abc');
    mocked.connect.mockResolvedValueOnce({} as never);
    expect(await c.trustHostKey()).toBe(true);
    expect(mocked.acceptHostKey).toHaveBeenCalledWith('SHA256:abc');
    expect(c.hostKey).toBeNull();
  });

  it('never offers to trust a changed host key', async () => {
    reject({ kind: 'ssh', hostKey: { host: 'bastion', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:new', changed: true } });
    await c.connect('c1');
    expect(c.hostKey).toBeNull();
    expect(c.lastError?.hostKey?.changed).toBe(true);
  });

  it('shows other failures as errors', async () => {
    reject({ kind: 'connection' });
    await c.connect('c1');
    expect(c.lastError?.kind).toBe('connection');
    expect(c.busy).toEqual({});
  });
});

describe('Connections.open', () => {
  let c: Connections;
  beforeEach(() => {
    vi.resetAllMocks();
    c = new Connections();
    c.list = [conn];
  });

  it('waits for the password the user types, then resolves true', async () => {
    reject({ kind: 'authentication', code: '28P01' });
    const opened = c.open('c1');
    await vi.waitFor(() => expect(c.prompt).not.toBeNull());
    // A wrong password keeps the prompt up and the caller waiting.
    reject({ kind: 'authentication', code: '28P01', message: 'wrong' });
    expect(await c.connect('c1', 'nope', false)).toBe(false);
    expect(c.prompt?.error.message).toBe('wrong');
    mocked.connect.mockResolvedValueOnce({} as never);
    expect(await c.connect('c1', 'right', false)).toBe(true);
    expect(await opened).toBe(true);
  });

  it('resolves false when the user cancels the prompt', async () => {
    reject({ kind: 'authentication', code: '28P01' });
    const opened = c.open('c1');
    await vi.waitFor(() => expect(c.prompt).not.toBeNull());
    c.dismissPrompt();
    expect(await opened).toBe(false);
    expect(c.prompt).toBeNull();
  });

  it('resolves false at once on an error that needs no answer', async () => {
    reject({ kind: 'connection' });
    expect(await c.open('c1')).toBe(false);
  });
});
