// One place that turns whatever a rejected bound call carries into an
// AppError with a typed ErrorInfo. The Go side sets options.App.ErrorFormatter
// to apperr.Format, which sends the ErrorInfo as JSON text; Wails 2.16 rejects
// with new Error(thatText), so the info is parsed back from the message.
// Anything else (a Wails-internal failure, a timeout, a bug in JS) becomes the
// Internal kind so the UI never has to guess.
import type { apperr } from '../../../wailsjs/go/models';
import { Kind } from './enums';

/** The generated class's fields (a parsed JSON object: the class's convertValues is never needed). */
export type ErrorInfo = Omit<apperr.ErrorInfo, 'convertValues'>;
export { Kind };

export class AppError extends Error {
  readonly info: ErrorInfo;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'AppError';
    this.info = info;
  }

  get kind(): Kind {
    return this.info.kind;
  }
}

const kinds = new Set<string>(Object.values(Kind));

function isErrorInfo(value: unknown): value is ErrorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === 'string' && kinds.has(v.kind) && typeof v.message === 'string';
}

function internal(message: string): ErrorInfo {
  return {
    kind: Kind.Internal,
    title: 'Internal error',
    message,
    hint: 'This is a bug in Tusk. The log file has the details.',
  };
}

function parseInfo(text: string): ErrorInfo | null {
  if (!text.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return isErrorInfo(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** toAppError maps any rejection value to an AppError. */
export function toAppError(reason: unknown): AppError {
  if (reason instanceof AppError) return reason;
  if (isErrorInfo(reason)) return new AppError(reason);
  if (reason instanceof Error) return new AppError(parseInfo(reason.message) ?? internal(reason.message));
  if (typeof reason === 'string') return new AppError(parseInfo(reason) ?? internal(reason));
  return new AppError(internal(String(reason)));
}

/**
 * call runs a bound method and rethrows its rejection as an AppError.
 *
 * Every bound call answers within 2 s. Work that takes longer (a slow page,
 * an exact count, a big commit) answers Pending with a job name
 * (backend/jobs); given awaitJob (AwaitJob), call keeps asking for the job's
 * outcome, each ask again answered within 2 s, and resolves or rejects as
 * the call itself would have.
 */
export async function call<T>(fn: () => Promise<T>, awaitJob?: (job: string) => Promise<unknown>): Promise<T> {
  let ask: () => Promise<unknown> = fn;
  for (;;) {
    try {
      return (await ask()) as T;
    } catch (reason) {
      const err = toAppError(reason);
      const job = err.info.job;
      if (err.kind !== Kind.Pending || !job || !awaitJob) throw err;
      ask = () => awaitJob(job);
    }
  }
}
