import { describe, expect, it } from 'vitest';
import { AppError, Kind, call, toAppError } from './errors';

describe('toAppError', () => {
  it('keeps an ErrorInfo rejection as is', () => {
    const err = toAppError({
      kind: 'query',
      title: 'Query error',
      message: 'syntax error at or near "FORM"',
      hint: 'Check the SQL near the highlighted position.',
      code: '42601',
      position: 10,
    });
    expect(err).toBeInstanceOf(AppError);
    expect(err.kind).toBe(Kind.Query);
    expect(err.info.code).toBe('42601');
    expect(err.info.position).toBe(10);
    expect(err.message).toBe('syntax error at or near "FORM"');
  });

  it('parses an ErrorInfo serialised as a JSON string', () => {
    const err = toAppError(JSON.stringify({ kind: 'validation', title: 'Invalid input', message: 'bad' }));
    expect(err.kind).toBe(Kind.Validation);
  });

  it('parses the ErrorInfo JSON that Wails wraps in an Error', () => {
    const info = { kind: 'authentication', title: 'Authentication failed', message: 'password authentication failed', code: '28P01' };
    const err = toAppError(new Error(JSON.stringify(info)));
    expect(err.kind).toBe(Kind.Authentication);
    expect(err.info.code).toBe('28P01');
    expect(err.message).toBe('password authentication failed');
  });

  it('maps plain strings, Errors and junk to Internal', () => {
    expect(toAppError('boom').kind).toBe(Kind.Internal);
    expect(toAppError('boom').message).toBe('boom');
    expect(toAppError(new Error('oops')).message).toBe('oops');
    expect(toAppError(42).kind).toBe(Kind.Internal);
    expect(toAppError({ kind: 'not-a-kind', message: 'x' }).kind).toBe(Kind.Internal);
  });

  it('call rethrows rejections as AppError and passes values through', async () => {
    await expect(call(() => Promise.resolve(7))).resolves.toBe(7);
    await expect(call(() => Promise.reject({ kind: 'storage', title: 't', message: 'disk full' }))).rejects.toMatchObject({
      info: { kind: Kind.Storage, message: 'disk full' },
    });
  });
});
