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

  it('call waits for a job when the call answers Pending, as long as it takes', async () => {
    const pending = (job: string) => new Error(JSON.stringify({ kind: 'pending', title: 'Still working', message: 'still going', job }));
    const asked: string[] = [];
    let left = 2;
    const awaitJob = (job: string) => {
      asked.push(job);
      return left-- > 0 ? Promise.reject(pending(job)) : Promise.resolve({ rows: 3 });
    };
    await expect(call(() => Promise.reject(pending('page-1')), awaitJob)).resolves.toEqual({ rows: 3 });
    expect(asked).toEqual(['page-1', 'page-1', 'page-1']);

    const failing = () => Promise.reject(new Error(JSON.stringify({ kind: 'connection', title: 't', message: 'lost' })));
    await expect(call(() => Promise.reject(pending('c-1')), failing)).rejects.toMatchObject({ info: { kind: Kind.Connection } });
    // Without an awaiter a Pending answer is an error like any other.
    await expect(call(() => Promise.reject(pending('x')))).rejects.toMatchObject({ info: { kind: Kind.Pending, job: 'x' } });
  });
});
