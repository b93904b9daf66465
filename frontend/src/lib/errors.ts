// The frontend's one table from error kind to presentation. Keyed by the Go
// enum (exported through EnumBind), so adding a kind in Go without adding it
// here fails svelte-check.
import { Kind } from './api';

export type Severity = 'info' | 'warning' | 'error';

export interface KindPresentation {
  severity: Severity;
  /** What the primary button offers the user. */
  action: 'retry' | 'edit-connection' | 'edit-query' | 'dismiss' | 'report';
}

export const kindPresentation: Record<Kind, KindPresentation> = {
  [Kind.Connection]: { severity: 'error', action: 'retry' },
  [Kind.Authentication]: { severity: 'error', action: 'edit-connection' },
  [Kind.SSL]: { severity: 'error', action: 'edit-connection' },
  [Kind.SSH]: { severity: 'error', action: 'edit-connection' },
  [Kind.Query]: { severity: 'error', action: 'edit-query' },
  [Kind.Storage]: { severity: 'error', action: 'dismiss' },
  [Kind.Keyring]: { severity: 'warning', action: 'dismiss' },
  [Kind.PoolTimeout]: { severity: 'warning', action: 'retry' },
  [Kind.Pooler]: { severity: 'error', action: 'retry' },
  [Kind.ReadOnly]: { severity: 'error', action: 'edit-connection' },
  [Kind.Cancelled]: { severity: 'info', action: 'dismiss' },
  [Kind.Validation]: { severity: 'warning', action: 'dismiss' },
  [Kind.Internal]: { severity: 'error', action: 'report' },
  // Never shown: the api layer awaits the job (lib/api/errors.ts call).
  [Kind.Pending]: { severity: 'info', action: 'dismiss' },
};
