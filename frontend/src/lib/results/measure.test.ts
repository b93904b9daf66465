import { afterEach, describe, expect, it, vi } from 'vitest';
import { canvasMeasure } from './grid.svelte';

describe('canvasMeasure', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sets the canvas font only when it changes and measures a text once, for every grid of the page', () => {
    let fontSets = 0;
    const measured: string[] = [];
    let font = '';
    const ctx = {
      get font() {
        return font;
      },
      set font(f: string) {
        fontSets++;
        font = f;
      },
      measureText: (text: string) => (measured.push(text), { width: text.length * (font.startsWith('600') ? 8 : 7) }),
    };
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue('Mozilla/5.0 AppleWebKit/605.1.15');
    const create = document.createElement.bind(document);
    vi.spyOn(document, 'createElement').mockImplementation((tag: string) =>
      tag === 'canvas' ? ({ getContext: () => ctx } as unknown as HTMLCanvasElement) : create(tag),
    );

    const m = canvasMeasure()!;
    expect(m.char).toBe(7);
    expect(m.header('id', 'integer')).toBe(2 * 8 + 7 * 7);
    expect(m.header('name', 'integer')).toBe(4 * 8 + 7 * 7);
    expect(canvasMeasure()).toBe(m); // the next grid shares it
    expect(m.header('id', 'integer')).toBe(2 * 8 + 7 * 7);
    expect(measured).toEqual(['0123456789', 'id', 'integer', 'name']);
    // mono, bold, small, bold again: "integer" came from the cache.
    expect(fontSets).toBe(4);
  });
});
