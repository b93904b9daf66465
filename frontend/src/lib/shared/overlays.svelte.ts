import { untrack } from 'svelte';

/**
 * The stack of open overlays — dialogs, menus, the palette, the cell viewer.
 * Esc closes the topmost one; only when none is open does Esc reach the
 * workspace (where it cancels a running query). Every overlay pushes itself
 * while it is mounted and pops itself when it goes.
 */
export interface Overlay {
  /** Closes the overlay (as its Cancel/Close button would). */
  close(): void;
  /** A modal overlay disables the app's commands underneath it. */
  modal: boolean;
}

class OverlayStack {
  private items = $state.raw<Overlay[]>([]);

  /**
   * push registers an overlay; the returned function removes it. Overlays
   * push from their $effect: reading the stack there must not make the
   * effect depend on it (it would run again on its own write), hence untrack.
   */
  push(o: Overlay): () => void {
    untrack(() => (this.items = [...this.items, o]));
    return () => untrack(() => (this.items = this.items.filter((x) => x !== o)));
  }

  /** open is true while any overlay is shown. */
  get open(): boolean {
    return this.items.length > 0;
  }

  /** modal is true while a dialog (not just a menu) is shown. */
  get modal(): boolean {
    return this.items.some((o) => o.modal);
  }

  /** closeTop closes the topmost overlay; false when there was none. */
  closeTop(): boolean {
    const top = this.items[this.items.length - 1];
    if (!top) return false;
    top.close();
    return true;
  }
}

export const overlays = new OverlayStack();

/** Selector of everything that can take keyboard focus inside a container. */
export const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';

/** focusables lists the visible, focusable elements inside root, in tab order. */
export function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => !el.closest('[inert], [hidden]') && (el === document.activeElement || visible(el)),
  );
}

/** visible is false for an element not rendered (display: none, in a closed <details>, …). */
function visible(el: HTMLElement): boolean {
  // Without layout (a test DOM) every element counts as rendered.
  return typeof el.checkVisibility === 'function' ? el.checkVisibility() : true;
}

/**
 * trapTab keeps Tab and Shift+Tab inside root: from the last focusable
 * element Tab goes to the first, and the other way round.
 */
export function trapTab(root: HTMLElement, e: KeyboardEvent): void {
  if (e.key !== 'Tab') return;
  const list = focusables(root);
  if (list.length === 0) {
    e.preventDefault();
    return;
  }
  const first = list[0]!;
  const last = list[list.length - 1]!;
  const active = document.activeElement as HTMLElement | null;
  if (e.shiftKey && (active === first || !root.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !root.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}
