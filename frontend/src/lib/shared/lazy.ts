// Parts of the UI that are not on the first screen (dialogs, the palette,
// the plan views, the table data view) are loaded on first use: each
// `import()` is a chunk of its own, so the first screen's script is smaller
// and starts sooner. Once the first screen is up, preload() fetches the
// chunks a user reaches first, so they open without a wait.

/** A module loaded on first use; load() returns the same promise every time. */
export interface Lazy<T> {
  load(): Promise<T>;
}

/** lazy wraps a dynamic import of a module's default export (a component). */
export function lazy<T>(importer: () => Promise<{ default: T }>): Lazy<T> {
  let pending: Promise<T> | undefined;
  return {
    load() {
      pending ??= importer().then(
        (m) => m.default,
        (err: unknown) => {
          console.error(`lazy: a view could not be loaded: ${String(err)}`);
          pending = undefined; // a failed fetch may succeed on the next try
          throw err;
        },
      );
      return pending;
    },
  };
}

/**
 * preload loads each module in the background, one after the other, after
 * `after` settles and the page is idle; a failure is logged by load(), which
 * tries again when the module is really needed.
 */
export function preload(after: Promise<unknown>, modules: Lazy<unknown>[]): void {
  const idle = (fn: () => void) =>
    typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 1000 }) : setTimeout(fn, 50);
  void after.finally(() =>
    idle(async () => {
      for (const m of modules) await m.load().catch(() => {});
    }),
  );
}
