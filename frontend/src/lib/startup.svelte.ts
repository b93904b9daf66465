import { tick } from 'svelte';
import { api } from './api';

export type StartupMarkName = 'first_paint' | 'interactive';

/**
 * afterPaint resolves with performance.now() right after the next frame is
 * rendered: a requestAnimationFrame callback runs just before the frame's
 * style, layout and paint, and a message posted from it is handled in the
 * first task after them.
 */
export function afterPaint(): Promise<number> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve(performance.now());
      };
      channel.port2.postMessage(null);
    });
  });
}

/**
 * Startup holds the true startup figures, in ms from the process's launch
 * (Go reads it from the kernel) to a frame painted in the webview: the
 * shell's first frame, and the restored workspace painted and ready for
 * input. Go turns the webview's wall-clock time into them and logs them.
 */
export class Startup {
  firstPaintMs = $state<number | null>(null);
  interactiveMs = $state<number | null>(null);
  /** Settles once "interactive" was reported (or failed to be). */
  readonly interactive: Promise<void>;
  #interactiveDone!: () => void;
  #marked = new Set<StartupMarkName>();

  constructor() {
    this.interactive = new Promise((resolve) => (this.#interactiveDone = resolve));
  }

  /** mark reports the frame that shows the pending updates as `name`; only the first call per name counts. */
  async mark(name: StartupMarkName): Promise<void> {
    if (this.#marked.has(name)) return;
    this.#marked.add(name);
    try {
      await tick();
      const at = await afterPaint();
      const ms = await api.reportStartup({ name, epochMs: performance.timeOrigin + at });
      api.reportTiming(`boot_${name}`, at);
      if (name === 'first_paint') this.firstPaintMs = ms;
      else this.interactiveMs = ms;
    } catch (err) {
      console.error(`startup: the ${name} figure could not be reported: ${String(err)}`);
    } finally {
      if (name === 'interactive') this.#interactiveDone();
    }
  }
}

/** The page's one Startup: main.ts marks the first paint, the shell marks interactive, the start screen shows both. */
export const startup = new Startup();
