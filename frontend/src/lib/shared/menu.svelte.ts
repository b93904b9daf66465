import type { Component } from 'svelte';

/** One entry of a context menu. */
export interface MenuAction {
  label: string;
  action: () => void;
  icon?: Component;
  /** Shown right-aligned, e.g. "Ctrl+Enter". */
  shortcut?: string;
  danger?: boolean;
  disabled?: boolean;
  testid?: string;
}
export type MenuItem = MenuAction | 'separator';

interface OpenMenu {
  x: number;
  y: number;
  items: MenuItem[];
  label: string;
  /** Focus the first item (the menu was opened from the keyboard). */
  focus: boolean;
}

/**
 * The app's one context menu: any component opens it with the items it
 * offers; ContextMenu.svelte (mounted once in App) shows it.
 */
class ContextMenuState {
  current = $state.raw<OpenMenu | null>(null);

  /**
   * open shows items at the pointer of a contextmenu/click event, or under
   * the element that was activated from the keyboard.
   */
  open(event: MouseEvent | KeyboardEvent, items: MenuItem[], label = 'Actions'): void {
    event.preventDefault();
    event.stopPropagation();
    let x = 0;
    let y = 0;
    const keyboard = !(event instanceof MouseEvent) || (event.detail === 0 && event.clientX === 0 && event.clientY === 0);
    if (!keyboard && event instanceof MouseEvent) {
      x = event.clientX;
      y = event.clientY;
    } else {
      const r = (event.currentTarget as HTMLElement | null)?.getBoundingClientRect();
      x = r ? r.left : 0;
      y = r ? r.bottom : 0;
    }
    this.current = { x, y, items, label, focus: keyboard };
  }

  close(): void {
    this.current = null;
  }
}

export const contextMenu = new ContextMenuState();
