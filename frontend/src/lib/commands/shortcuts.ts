/**
 * Shortcuts as the command catalogue writes them: keys joined by '+', with
 * "Mod" meaning Ctrl (Cmd on macOS), e.g. "Mod+Shift+P", "F6", "Ctrl+Tab".
 */
export interface Shortcut {
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  alt: boolean;
  /** The key, lowercased for letters: "p", "enter", "f6", "/", "1". */
  key: string;
}

export const isMac =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || '');

export function parseShortcut(text: string, mac = isMac): Shortcut {
  const parts = text.split('+');
  // "Mod++" would be Mod and '+': the last part is the key even if empty.
  let key = parts.pop() ?? '';
  if (key === '' && parts.length) key = '+';
  const s: Shortcut = { ctrl: false, meta: false, shift: false, alt: false, key: key.toLowerCase() };
  for (const p of parts) {
    switch (p.toLowerCase()) {
      case 'mod':
        if (mac) s.meta = true;
        else s.ctrl = true;
        break;
      case 'ctrl':
        s.ctrl = true;
        break;
      case 'cmd':
      case 'meta':
        s.meta = true;
        break;
      case 'shift':
        s.shift = true;
        break;
      case 'alt':
      case 'option':
        s.alt = true;
        break;
      default:
        throw new Error(`unknown modifier ${p} in shortcut ${text}`);
    }
  }
  return s;
}

/**
 * The key names of KeyboardEvent.code for keys whose e.key changes with
 * Shift or the layout, or is not reported: WebKitGTK gives Ctrl+Shift+Tab
 * the key "Unidentified" (seen in the desktop window).
 */
const byCode: Record<string, string> = {
  Tab: 'tab',
  Slash: '/',
  Backquote: '`',
  Comma: ',',
  Period: '.',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
};

/** eventKey is the key of e in the catalogue's spelling. */
export function eventKey(e: KeyboardEvent): string[] {
  const keys = [e.key.toLowerCase()];
  if (e.key === 'Esc') keys.push('escape');
  if (e.code?.startsWith('Key')) keys.push(e.code.slice(3).toLowerCase());
  else if (e.code?.startsWith('Digit')) keys.push(e.code.slice(5));
  else if (e.code && byCode[e.code]) keys.push(byCode[e.code]!);
  return keys;
}

export function matches(e: KeyboardEvent, s: Shortcut): boolean {
  return (
    e.ctrlKey === s.ctrl &&
    e.metaKey === s.meta &&
    e.shiftKey === s.shift &&
    e.altKey === s.alt &&
    eventKey(e).includes(s.key)
  );
}

const macSymbols: Record<string, string> = { ctrl: '⌃', alt: '⌥', shift: '⇧', meta: '⌘' };
const names: Record<string, string> = {
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  arrowup: '↑',
  arrowdown: '↓',
  arrowleft: '←',
  arrowright: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  ' ': 'Space',
};

/** formatShortcut spells a shortcut for people: "Ctrl+Shift+P", or "⇧⌘P" on macOS. */
export function formatShortcut(text: string, mac = isMac): string {
  const s = parseShortcut(text, mac);
  const key = names[s.key] ?? (s.key.length === 1 ? s.key.toUpperCase() : s.key.toUpperCase());
  if (mac) {
    return `${s.ctrl ? macSymbols.ctrl : ''}${s.alt ? macSymbols.alt : ''}${s.shift ? macSymbols.shift : ''}${s.meta ? macSymbols.meta : ''}${key}`;
  }
  return [s.ctrl && 'Ctrl', s.meta && 'Super', s.alt && 'Alt', s.shift && 'Shift', key].filter(Boolean).join('+');
}
