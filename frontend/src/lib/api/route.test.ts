import { describe, expect, it } from 'vitest';
import { connection } from '../../../wailsjs/go/models';
import { PoolerMode, ReadOnlyState, SettingsPath, WaitReason, routeLabel, waitingLabel } from './route';

function route(over: Partial<connection.Route>): connection.Route {
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

describe('routeLabel', () => {
  it('says nothing without a pooler', () => {
    expect(routeLabel(route({}))).toBe('');
  });
  it('names the pooler and its mode', () => {
    expect(routeLabel(route({ pooler: true, poolerName: 'PgBouncer', poolerMode: PoolerMode.Transaction }))).toBe(
      'via PgBouncer, transaction mode',
    );
    expect(routeLabel(route({ pooler: true, poolerMode: PoolerMode.Session }))).toBe(
      'via a connection pooler, session mode',
    );
  });
});

describe('waitingLabel', () => {
  it('tells the two waits apart and clears', () => {
    expect(waitingLabel(WaitReason.Pooler)).toMatch(/pooler/);
    expect(waitingLabel(WaitReason.Pool)).toMatch(/other tabs/);
    expect(waitingLabel(WaitReason.NotWaiting)).toBe('');
    expect(waitingLabel(undefined)).toBe('');
  });
});
