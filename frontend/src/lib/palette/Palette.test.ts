import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import Palette from './Palette.svelte';
import type { PaletteItem } from './palette';

// jsdom lays nothing out: scrolling a row into view does nothing here.
Element.prototype.scrollIntoView ??= function () {};

const items: PaletteItem[] = Array.from({ length: 100 }, (_, i) => ({ kind: 'command', label: `Command ${i}`, run: vi.fn() }));

describe('Palette', () => {
  it('lists every item; the arrow keys wrap and Enter runs the one chosen', async () => {
    render(Palette, { items, onclose: vi.fn() });
    expect(screen.getAllByTestId('palette-item')).toHaveLength(100);
    const input = screen.getByTestId('palette-input');
    await fireEvent.keyDown(input, { key: 'ArrowUp' }); // wraps to the last row
    expect(screen.getAllByTestId('palette-item')[99]!.getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(items[99]!.run).toHaveBeenCalledOnce();
  });

  it('narrows to what the text matches, best first', async () => {
    render(Palette, { items, onclose: vi.fn() });
    await fireEvent.input(screen.getByTestId('palette-input'), { target: { value: 'command 42' } });
    await waitFor(() => expect(screen.getAllByTestId('palette-item')[0]!.textContent).toContain('Command 42'));
  });
});
