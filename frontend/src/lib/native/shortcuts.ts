// Shortcuts as the command catalogue writes them ("Mod+Shift+S", "Ctrl+Tab",
// "F6", "Escape"): parsing, matching a KeyboardEvent, and display text. The
// same rules as backend/command (Go), which registers the native menu's
// accelerators: Mod is Cmd on macOS and Ctrl elsewhere; modifiers are Mod,
// Ctrl, Shift, Alt; the key is one character or a KeyboardEvent key name.
//
// In the desktop window the keys of native accelerators never reach the page
// (GTK takes them first and sends menu:command instead), so a key handler
// built on matchCommand can handle every shortcut without firing twice; in a
// browser (wails dev, e2e) it is the only handler.

/** A command of frontend/src/lib/commands/catalogue.json. */
export interface Command {
  id: string;
  label: string;
  shortcut?: string;
  alt?: string;
  menu?: string;
  group?: string;
  submenu?: string;
  native?: boolean;
}

export interface Shortcut {
  mod: boolean;
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  /** A single character in lower case ("s", "/", "1") or a key name ("Enter", "F6", "ArrowUp"). */
  key: string;
}

/** The fields of a KeyboardEvent that matching reads. */
export type KeyLike = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

const namedKeys = new Set([
  'Enter', 'Tab', 'Escape', 'Backspace', 'Delete', 'Space', 'Home', 'End', 'PageUp', 'PageDown',
  'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown',
  'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12',
]);

/** parseShortcut reads a catalogue shortcut; it throws on anything the Go side would reject. */
export function parseShortcut(text: string): Shortcut {
  let parts = text.split('+');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts = [...parts.slice(0, -2), '+']; // "Mod++"
  const sc: Shortcut = { mod: false, ctrl: false, shift: false, alt: false, key: '' };
  parts.forEach((p, i) => {
    if (i === parts.length - 1) {
      if (namedKeys.has(p)) sc.key = p;
      else if ([...p].length === 1 && p !== ' ') sc.key = p.toLowerCase();
      else throw new Error(`shortcut "${text}": "${p}" is not a key`);
      return;
    }
    const flag = ({ Mod: 'mod', Ctrl: 'ctrl', Shift: 'shift', Alt: 'alt' } as const)[p as 'Mod' | 'Ctrl' | 'Shift' | 'Alt'];
    if (!flag) throw new Error(`shortcut "${text}": "${p}" is not a modifier`);
    if (sc[flag]) throw new Error(`shortcut "${text}": ${p} is given twice`);
    sc[flag] = true;
  });
  return sc;
}

// Keys whose KeyboardEvent.code names them when .key does not help:
// WebKitGTK reports Ctrl+Shift+Tab with key "Unidentified", and macOS's
// Option turns letters into other characters ("ß" for Option+S).
function keyOf(e: KeyLike, mac: boolean): string {
  const code = e.code ?? '';
  const fromCode = code.startsWith('Key') ? code.slice(3).toLowerCase()
    : code.startsWith('Digit') ? code.slice(5)
    : code === 'Tab' ? 'Tab' : '';
  if (e.key === 'Unidentified' || e.key === 'Dead' || (mac && e.altKey && fromCode.length === 1)) return fromCode || e.key;
  if (e.key === ' ') return 'Space';
  return e.key.length === 1 ? e.key.toLowerCase() : e.key;
}

/** matchShortcut reports whether e is the shortcut sc (mac: Mod is the Cmd key). */
export function matchShortcut(sc: Shortcut, e: KeyLike, mac: boolean): boolean {
  if (keyOf(e, mac) !== sc.key) return false;
  const wantCtrl = sc.ctrl || (sc.mod && !mac);
  const wantMeta = sc.mod && mac;
  // A punctuation key may need Shift to be typed at all ("+" on many
  // layouts): its Shift state only counts when the shortcut names Shift.
  const letterOrNamed = sc.key.length > 1 || sc.key.toLowerCase() !== sc.key.toUpperCase();
  const shiftOk = sc.shift ? e.shiftKey : !e.shiftKey || !letterOrNamed;
  return e.ctrlKey === wantCtrl && e.metaKey === wantMeta && e.altKey === sc.alt && shiftOk;
}

const parsed = new Map<string, Shortcut>();
function cached(text: string): Shortcut {
  let sc = parsed.get(text);
  if (!sc) parsed.set(text, (sc = parseShortcut(text)));
  return sc;
}

/** matchCommand returns the command whose shortcut or alternate shortcut e is. */
export function matchCommand(commands: readonly Command[], e: KeyLike, mac: boolean): Command | undefined {
  return commands.find((c) => [c.shortcut, c.alt].some((s) => s && matchShortcut(cached(s), e, mac)));
}

/**
 * nativeShortcut reports whether the desktop app registers the command's
 * shortcut as a menu accelerator (so in the desktop window it arrives as
 * menu:command, never as a keydown). Mirrors Command.NativeShortcut in Go.
 */
export function nativeShortcut(c: Command): boolean {
  return !!c.shortcut && !!c.menu && !c.submenu && c.native !== false;
}

type Modifier = 'Mod' | 'Ctrl' | 'Alt' | 'Shift';
const macSymbols: Record<Modifier, string> = { Mod: '⌘', Ctrl: '⌃', Alt: '⌥', Shift: '⇧' };
const keyNames: Record<string, string> = {
  ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓', Escape: 'Esc', PageUp: 'Page Up', PageDown: 'Page Down',
};

/** formatShortcut writes a shortcut for people: "Ctrl+Shift+S", or "⇧⌘S" on macOS. */
export function formatShortcut(text: string, mac: boolean): string {
  const sc = parseShortcut(text);
  const key = keyNames[sc.key] ?? (sc.key.length === 1 ? sc.key.toUpperCase() : sc.key);
  if (mac) {
    const order: Modifier[] = ['Ctrl', 'Alt', 'Shift', 'Mod'];
    const on: Record<Modifier, boolean> = { Mod: sc.mod, Ctrl: sc.ctrl, Alt: sc.alt, Shift: sc.shift };
    return order.filter((m) => on[m]).map((m) => macSymbols[m]).join('') + key;
  }
  const mods = [sc.mod || sc.ctrl ? 'Ctrl' : '', sc.alt ? 'Alt' : '', sc.shift ? 'Shift' : ''].filter(Boolean);
  return [...mods, key].join('+');
}

/** isMac reports whether Mod means the Cmd key here. */
export function isMac(platform = typeof navigator === 'undefined' ? '' : navigator.platform): boolean {
  return /^Mac|iPhone|iPad/.test(platform);
}
