import { describe, expect, it } from 'vitest';
import catalogue from '../commands/catalogue.json';
import { formatShortcut, matchCommand, matchShortcut, nativeShortcut, parseShortcut, type Command, type KeyLike } from './shortcuts';

const commands = catalogue.commands as Command[];

function key(k: string, code: string, mods: Partial<Pick<KeyLike, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>> = {}): KeyLike {
  return { key: k, code, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods };
}

describe('parseShortcut', () => {
  it('reads the catalogue’s forms', () => {
    expect(parseShortcut('Mod+Shift+S')).toEqual({ mod: true, ctrl: false, shift: true, alt: false, key: 's' });
    expect(parseShortcut('Ctrl+Shift+Tab')).toEqual({ mod: false, ctrl: true, shift: true, alt: false, key: 'Tab' });
    expect(parseShortcut('F6').key).toBe('F6');
    expect(parseShortcut('Mod++').key).toBe('+');
  });

  it.each(['Hyper+A', 'Mod+Mod+A', 'Mod+Shift', 'Mod+Return'])('rejects %s', (s) => {
    expect(() => parseShortcut(s)).toThrow();
  });

  it('parses every shortcut of the catalogue', () => {
    for (const c of commands) for (const s of [c.shortcut, c.alt]) if (s) expect(() => parseShortcut(s), s).not.toThrow();
  });
});

describe('matchShortcut', () => {
  const save = parseShortcut('Mod+S');
  it('reads Mod as Ctrl off macOS and as Cmd on macOS', () => {
    expect(matchShortcut(save, key('s', 'KeyS', { ctrlKey: true }), false)).toBe(true);
    expect(matchShortcut(save, key('s', 'KeyS', { metaKey: true }), false)).toBe(false);
    expect(matchShortcut(save, key('s', 'KeyS', { metaKey: true }), true)).toBe(true);
    expect(matchShortcut(save, key('s', 'KeyS', { ctrlKey: true }), true)).toBe(false);
  });

  it('wants exactly the modifiers named', () => {
    expect(matchShortcut(save, key('S', 'KeyS', { ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(matchShortcut(save, key('s', 'KeyS', { ctrlKey: true, altKey: true }), false)).toBe(false);
    expect(matchShortcut(parseShortcut('Mod+Shift+S'), key('S', 'KeyS', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    expect(matchShortcut(parseShortcut('F6'), key('F6', 'F6'), false)).toBe(true);
    expect(matchShortcut(parseShortcut('F6'), key('F6', 'F6', { shiftKey: true }), false)).toBe(false);
  });

  it('ignores the Shift that a punctuation key needs', () => {
    expect(matchShortcut(parseShortcut('Mod++'), key('+', 'Equal', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    expect(matchShortcut(parseShortcut('Mod+/'), key('/', 'Slash', { ctrlKey: true }), false)).toBe(true);
  });

  it('falls back to the key code where the key is not reported', () => {
    // WebKitGTK reports Ctrl+Shift+Tab as key "Unidentified" (seen in the real window).
    expect(matchShortcut(parseShortcut('Ctrl+Shift+Tab'), key('Unidentified', 'Tab', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    // macOS Option turns S into ß.
    expect(matchShortcut(parseShortcut('Mod+Alt+S'), key('ß', 'KeyS', { metaKey: true, altKey: true }), true)).toBe(true);
    // Elsewhere the key wins over the code, so other layouts keep their letters.
    expect(matchShortcut(parseShortcut('Mod+Z'), key('z', 'KeyY', { ctrlKey: true }), false)).toBe(true);
  });
});

describe('matchCommand', () => {
  it('finds commands by shortcut and by alternate shortcut', () => {
    expect(matchCommand(commands, key('p', 'KeyP', { ctrlKey: true, shiftKey: true }), false)?.id).toBe('view.palette');
    expect(matchCommand(commands, key('k', 'KeyK', { ctrlKey: true }), false)?.id).toBe('view.palette');
    expect(matchCommand(commands, key('1', 'Digit1', { ctrlKey: true }), false)?.id).toBe('window.tab1');
    expect(matchCommand(commands, key('Enter', 'Enter', { ctrlKey: true, shiftKey: true }), false)?.id).toBe('query.runScript');
    expect(matchCommand(commands, key('x', 'KeyX'), false)).toBeUndefined();
  });
});

describe('nativeShortcut', () => {
  it('matches the accelerators the Go menu registers', () => {
    const native = commands.filter(nativeShortcut).map((c) => c.id);
    expect(native).toContain('file.save');
    expect(native).not.toContain('edit.copy'); // native: false
    expect(native).not.toContain('window.tab1'); // palette only
    expect(native).not.toContain('window.nextTab'); // GTK refuses Tab accelerators
    expect(native).not.toContain('file.openRecent'); // a submenu
  });
});

describe('formatShortcut', () => {
  it('writes shortcuts for each platform', () => {
    expect(formatShortcut('Mod+Shift+S', false)).toBe('Ctrl+Shift+S');
    expect(formatShortcut('Mod+Shift+S', true)).toBe('⇧⌘S');
    expect(formatShortcut('Mod+Alt+S', true)).toBe('⌥⌘S');
    expect(formatShortcut('Escape', false)).toBe('Esc');
    expect(formatShortcut('Ctrl+Tab', true)).toBe('⌃Tab');
  });
});
