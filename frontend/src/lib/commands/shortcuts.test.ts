import { describe, expect, it } from 'vitest';
import { commands } from './catalogue';
import { formatShortcut, matches, parseShortcut } from './shortcuts';

const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', init);

describe('shortcuts', () => {
  it('reads Mod as Ctrl, or Cmd on macOS', () => {
    expect(parseShortcut('Mod+Shift+P', false)).toEqual({ ctrl: true, meta: false, shift: true, alt: false, key: 'p' });
    expect(parseShortcut('Mod+Shift+P', true)).toEqual({ ctrl: false, meta: true, shift: true, alt: false, key: 'p' });
  });

  it('matches events exactly, modifiers included', () => {
    const s = parseShortcut('Mod+T', false);
    expect(matches(key({ key: 't', ctrlKey: true }), s)).toBe(true);
    expect(matches(key({ key: 'T', ctrlKey: true, shiftKey: true }), s)).toBe(false);
    expect(matches(key({ key: 't' }), s)).toBe(false);
    // Shift+/ is '?' on a US layout: the physical key still matches.
    expect(matches(key({ key: '?', code: 'Slash', ctrlKey: true, shiftKey: true }), parseShortcut('Mod+Shift+/', false))).toBe(true);
    expect(matches(key({ key: '!', code: 'Digit1', ctrlKey: true }), parseShortcut('Mod+1', false))).toBe(true);
    // WebKitGTK reports Ctrl+Shift+Tab with the key "Unidentified" (seen in the desktop window).
    expect(matches(key({ key: 'Unidentified', code: 'Tab', ctrlKey: true, shiftKey: true }), parseShortcut('Ctrl+Shift+Tab', false))).toBe(true);
  });

  it('spells shortcuts for people', () => {
    expect(formatShortcut('Mod+Shift+Enter', false)).toBe('Ctrl+Shift+Enter');
    expect(formatShortcut('Mod+Shift+P', true)).toBe('⇧⌘P');
    expect(formatShortcut('Escape', false)).toBe('Esc');
  });

  it('every catalogue shortcut parses and no two commands share one', () => {
    const seen = new Map<string, string>();
    for (const c of commands) {
      for (const s of [c.shortcut, c.alt]) {
        if (!s) continue;
        const k = JSON.stringify(parseShortcut(s, false));
        expect(seen.get(k), `${c.id} and ${seen.get(k)} share ${s}`).toBeUndefined();
        seen.set(k, c.id);
      }
    }
    expect(new Set(commands.map((c) => c.id)).size).toBe(commands.length);
  });
});
