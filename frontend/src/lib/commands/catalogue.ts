import data from './catalogue.json';

/** One command of the app, as catalogue.json describes it. */
export interface CommandSpec {
  id: string;
  label: string;
  shortcut?: string;
  /** A second shortcut for the same command (shown in the palette). */
  alt?: string;
  menu?: 'File' | 'Edit' | 'View' | 'Query' | 'Connection' | 'Window' | 'Help';
  group?: string;
  /** false: the focused widget handles the key (text editing); the app's key handler leaves it alone. */
  native?: boolean;
  /**
   * true: the app's key handler in the page runs it, never a native
   * accelerator, so it sees the editor's text with every key typed before
   * it (see Command.PageKey in backend/command).
   */
  pageKey?: boolean;
  submenu?: string;
}

export const commands: readonly CommandSpec[] = data.commands as CommandSpec[];

export const menuOrder = ['File', 'Edit', 'View', 'Query', 'Connection', 'Window', 'Help'] as const;

export function commandById(id: string): CommandSpec | undefined {
  return commands.find((c) => c.id === id);
}
