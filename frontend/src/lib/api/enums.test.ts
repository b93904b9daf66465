import { describe, expect, it } from 'vitest';
import { apperr, connection, query } from '../../../wailsjs/go/models';
import * as enums from './enums';

// enums.ts spells out the generated enums so the first screen does not load
// models.ts; Wails regenerates models.ts from the Go code on every build, so
// a Go change that this file does not follow fails here.
describe('enums spelled out for the first screen', () => {
  it.each([
    ['Kind', enums.Kind, apperr.Kind],
    ['PoolerMode', enums.PoolerMode, connection.PoolerMode],
    ['ReadOnlyState', enums.ReadOnlyState, connection.ReadOnlyState],
    ['SettingsPath', enums.SettingsPath, connection.SettingsPath],
    ['WaitReason', enums.WaitReason, query.WaitReason],
  ])('%s equals the generated enum', (_, spelled, generated) => {
    expect({ ...spelled }).toStrictEqual({ ...generated });
  });
});
