import { describe, expect, it } from 'vitest';
import { connection } from '../../../wailsjs/go/models';
import { PoolerMode, ReadOnlyState, SettingsPath } from '../api';
import { canTerminate, poolerTooltip, readOnlyWarning, sessionStateNotice, transactionModeFallback } from './pooler';

function route(over: Partial<connection.Route> = {}): connection.Route {
  return connection.Route.createFrom({
    pooler: false,
    poolerName: '',
    poolerMode: PoolerMode.NoPooler,
    sessionStateKept: true,
    settings: SettingsPath.AtStartup,
    readOnly: ReadOnlyState.Off,
    ...over,
  });
}

const txMode = { pooler: true, poolerName: 'PgBouncer', poolerMode: PoolerMode.Transaction, sessionStateKept: false, notice: 'from the backend' };

describe('poolerTooltip', () => {
  it('is empty without a pooler and explains each mode and the hidden PID', () => {
    expect(poolerTooltip(undefined)).toBe('');
    expect(poolerTooltip(route())).toBe('');
    const tx = poolerTooltip(route(txMode));
    expect(tx).toMatch(/^Connected through PgBouncer, transaction mode/);
    expect(tx).toMatch(/does not persist/);
    expect(tx).toMatch(/process ID/);
    expect(poolerTooltip(route({ pooler: true, poolerMode: PoolerMode.Session }))).toMatch(/session state persists/);
    expect(poolerTooltip(route({ pooler: true }))).toMatch(/not known yet/);
  });
});

describe('sessionStateNotice', () => {
  it('tells in transaction mode only, until dismissed', () => {
    expect(sessionStateNotice(route(), false, false)).toBe('');
    expect(sessionStateNotice(route({ pooler: true, poolerMode: PoolerMode.Session }), false, false)).toBe('');
    expect(sessionStateNotice(route(txMode), false, false)).toBe('from the backend');
    expect(sessionStateNotice(route({ ...txMode, notice: '' }), false, false)).toBe(transactionModeFallback);
    expect(sessionStateNotice(route(txMode), true, true)).toBe('');
  });
  it('tells when a run lost session state before the route knew the mode', () => {
    expect(sessionStateNotice(route({ pooler: true }), true, false)).toBe(transactionModeFallback);
    expect(sessionStateNotice(undefined, true, false)).toBe(transactionModeFallback);
  });
  it('names SET, temporary tables and PREPARE and says transactions work', () => {
    for (const word of ['SET', 'temporary tables', 'PREPARE', 'BEGIN … COMMIT']) expect(transactionModeFallback).toContain(word);
  });
});

describe('readOnlyWarning', () => {
  it('speaks only for an unverified read-only connection, and says why', () => {
    expect(readOnlyWarning(undefined)).toBe('');
    expect(readOnlyWarning(route({ readOnly: ReadOnlyState.Off }))).toBe('');
    expect(readOnlyWarning(route({ readOnly: ReadOnlyState.Enforced }))).toBe('');
    const w = readOnlyWarning(route({ readOnly: ReadOnlyState.Unverified, readOnlyProblem: 'the pooler dropped default_transaction_read_only' }));
    expect(w).toContain('the pooler dropped default_transaction_read_only');
    expect(w).toMatch(/refuses to run statements/);
    expect(readOnlyWarning(route({ readOnly: ReadOnlyState.Unverified }))).toMatch(/READ ONLY/);
  });
});

describe('canTerminate', () => {
  it('needs a stuck query whose real server process is known', () => {
    expect(canTerminate(undefined)).toBe(false);
    expect(canTerminate({ pid: 0, terminable: false })).toBe(false);
    expect(canTerminate({ pid: 4242, terminable: false })).toBe(false);
    expect(canTerminate({ pid: 0, terminable: true })).toBe(false);
    expect(canTerminate({ pid: 4242, terminable: true })).toBe(true);
  });
});
