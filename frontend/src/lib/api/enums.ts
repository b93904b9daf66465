// The Go enums the UI compares against, spelled out as values. The generated
// wailsjs/go/models.ts holds them too, but as namespaces that cannot be split:
// importing one enum from it as a value puts all 130 kB of it (60 kB built)
// into the first screen's script. So the page imports models.ts for its types
// only, and enums.test.ts fails when a value here and the generated enum
// disagree (Wails regenerates models.ts on every build).
import type { apperr, connection, query } from '../../../wailsjs/go/models';

/** member gives a spelled-out value the generated enum member's type. */
const member = <T extends string>(value: string): T => value as T;

export const Kind = {
  Authentication: member<apperr.Kind.Authentication>('authentication'),
  Cancelled: member<apperr.Kind.Cancelled>('cancelled'),
  Connection: member<apperr.Kind.Connection>('connection'),
  Internal: member<apperr.Kind.Internal>('internal'),
  Keyring: member<apperr.Kind.Keyring>('keyring'),
  Pending: member<apperr.Kind.Pending>('pending'),
  PoolTimeout: member<apperr.Kind.PoolTimeout>('pool_timeout'),
  Pooler: member<apperr.Kind.Pooler>('pooler'),
  Query: member<apperr.Kind.Query>('query'),
  ReadOnly: member<apperr.Kind.ReadOnly>('read_only'),
  SSH: member<apperr.Kind.SSH>('ssh'),
  SSL: member<apperr.Kind.SSL>('ssl'),
  Storage: member<apperr.Kind.Storage>('storage'),
  Validation: member<apperr.Kind.Validation>('validation'),
} as const;
export type Kind = apperr.Kind;

export const PoolerMode = {
  NoPooler: member<connection.PoolerMode.NoPooler>(''),
  Session: member<connection.PoolerMode.Session>('session'),
  Transaction: member<connection.PoolerMode.Transaction>('transaction'),
} as const;
export type PoolerMode = connection.PoolerMode;

export const ReadOnlyState = {
  Enforced: member<connection.ReadOnlyState.Enforced>('enforced'),
  Off: member<connection.ReadOnlyState.Off>('off'),
  Unverified: member<connection.ReadOnlyState.Unverified>('unverified'),
} as const;
export type ReadOnlyState = connection.ReadOnlyState;

export const SettingsPath = {
  AtStartup: member<connection.SettingsPath.AtStartup>('startup'),
  PerTransaction: member<connection.SettingsPath.PerTransaction>('per_transaction'),
} as const;
export type SettingsPath = connection.SettingsPath;

export const WaitReason = {
  NotWaiting: member<query.WaitReason.NotWaiting>(''),
  Pool: member<query.WaitReason.Pool>('pool'),
  Pooler: member<query.WaitReason.Pooler>('pooler'),
} as const;
export type WaitReason = query.WaitReason;
