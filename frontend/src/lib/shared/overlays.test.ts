import { render, screen } from '@testing-library/svelte';
import { createRawSnippet, flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import Modal from './Modal.svelte';
import { overlays } from './overlays.svelte';

const body = createRawSnippet(() => ({ render: () => '<p>body <input data-autofocus /></p>' }));

describe('overlays', () => {
  it('a dialog pushes itself once, closes on closeTop, and pops when it goes', () => {
    const onclose = vi.fn();
    const { unmount } = render(Modal, { title: 'T', onclose, children: body });
    flushSync();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(overlays.open).toBe(true);
    expect(overlays.modal).toBe(true);
    expect(overlays.closeTop()).toBe(true);
    expect(onclose).toHaveBeenCalledOnce();
    unmount();
    expect(overlays.open).toBe(false);
    expect(overlays.closeTop()).toBe(false);
  });

  it('two dialogs close topmost first', () => {
    const first = vi.fn();
    const second = vi.fn();
    const a = render(Modal, { title: 'A', onclose: first, children: body });
    const b = render(Modal, { title: 'B', onclose: second, children: body });
    flushSync();
    overlays.closeTop();
    expect(second).toHaveBeenCalledOnce();
    expect(first).not.toHaveBeenCalled();
    b.unmount();
    overlays.closeTop();
    expect(first).toHaveBeenCalledOnce();
    a.unmount();
  });
});
