import { untrack } from 'svelte';
import { commands, type CommandSpec } from './catalogue';
import { matches, parseShortcut, type Shortcut } from './shortcuts';

/** What a command does in the app; `enabled` greys it out in menus and the palette. */
export interface CommandHandler {
  run(): unknown;
  enabled?: () => boolean;
}

/**
 * Commands binds the catalogue's command IDs to what they do in the app. The
 * native menu (menu:command events), the palette, the shortcuts overlay and
 * the app's own key handler all run commands through it, so a command
 * behaves the same whichever way it was started.
 */
export class Commands {
  private handlers = $state.raw<Record<string, CommandHandler>>({});
  private keys: { spec: CommandSpec; shortcut: Shortcut }[] = [];

  constructor(specs: readonly CommandSpec[] = commands) {
    for (const spec of specs) {
      // Keys the focused widget owns (text editing) are not the app's.
      if (spec.native === false) continue;
      for (const s of [spec.shortcut, spec.alt]) if (s) this.keys.push({ spec, shortcut: parseShortcut(s) });
    }
  }

  /**
   * register binds handlers by command ID; the returned function unbinds them.
   * Components register from an $effect: reading the table there must not
   * make the effect depend on it (its own write would run it again, and its
   * teardown would write again, for ever), hence untrack.
   */
  register(handlers: Record<string, CommandHandler>): () => void {
    untrack(() => (this.handlers = { ...this.handlers, ...handlers }));
    return () =>
      untrack(() => {
        const next = { ...this.handlers };
        for (const id of Object.keys(handlers)) if (next[id] === handlers[id]) delete next[id];
        this.handlers = next;
      });
  }

  has(id: string): boolean {
    return id in this.handlers;
  }

  enabled(id: string): boolean {
    const h = this.handlers[id];
    return !!h && (h.enabled?.() ?? true);
  }

  /** run runs a command; false when it has no handler or is disabled. */
  run(id: string): boolean {
    const h = this.handlers[id];
    if (!h || !(h.enabled?.() ?? true)) return false;
    void h.run();
    return true;
  }

  /** commandForKey finds the command whose shortcut e is, if any. */
  commandForKey(e: KeyboardEvent): CommandSpec | undefined {
    return this.keys.find((k) => matches(e, k.shortcut))?.spec;
  }
}
