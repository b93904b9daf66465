import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { TableColumn } from '../api';
import CellEditor from './CellEditor.svelte';

const column = (more: Partial<TableColumn>): TableColumn =>
  ({
    name: 'c', type: 'text', baseType: 'text', category: 'text', enumLabels: [], nullable: true, default: '', identity: '',
    generated: '', writable: true, insertWritable: true, domain: '', ...more,
  }) as TableColumn;

describe('CellEditor', () => {
  it('edits a boolean as true, false or NULL in PostgreSQL’s text form', async () => {
    const onapply = vi.fn();
    render(CellEditor, { column: column({ type: 'boolean', baseType: 'boolean', category: 'boolean' }), value: { kind: 'text', text: 't' }, onapply, onclose: () => {} });
    expect((screen.getByTestId('bool-true') as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByTestId('bool-false'));
    await fireEvent.click(screen.getByTestId('cell-apply'));
    expect(onapply).toHaveBeenLastCalledWith({ kind: 'text', text: 'f' });
    await fireEvent.click(screen.getByTestId('bool-null'));
    await fireEvent.click(screen.getByTestId('cell-apply'));
    expect(onapply).toHaveBeenLastCalledWith({ kind: 'null' });
  });

  it('applies an enum label with Enter on the list', async () => {
    const onapply = vi.fn();
    render(CellEditor, { column: column({ type: 'mood', category: 'enum', enumLabels: ['sad', 'ok', 'happy'] }), value: { kind: 'text', text: 'sad' }, onapply, onclose: () => {} });
    const list = screen.getByTestId('cell-enum') as HTMLSelectElement;
    await fireEvent.change(list, { target: { value: 'happy' } });
    await fireEvent.keyDown(list, { key: 'Enter' });
    expect(onapply).toHaveBeenCalledExactlyOnceWith({ kind: 'text', text: 'happy' });
  });

  it('refuses invalid JSON next to the field and pretty-prints valid JSON', async () => {
    const onapply = vi.fn();
    render(CellEditor, { column: column({ type: 'jsonb', baseType: 'jsonb', category: 'json' }), value: { kind: 'text', text: '{"a":1' }, onapply, onclose: () => {} });
    expect(screen.getByTestId('cell-problem').textContent).toMatch(/not valid JSON/);
    expect((screen.getByTestId('cell-apply') as HTMLButtonElement).disabled).toBe(true);
    const input = screen.getByTestId('cell-input') as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: '{"a":[1,2]}' } });
    await fireEvent.click(screen.getByTestId('cell-pretty'));
    expect(input.value).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    await fireEvent.click(screen.getByTestId('cell-apply'));
    expect(onapply).toHaveBeenCalledWith({ kind: 'text', text: '{\n  "a": [\n    1,\n    2\n  ]\n}' });
  });

  it('keeps the empty text, NULL and DEFAULT apart, and offers only what the column allows', async () => {
    const onapply = vi.fn();
    render(CellEditor, { column: column({ nullable: false }), value: { kind: 'text', text: 'x' }, onapply, onclose: () => {} });
    expect(screen.queryByTestId('cell-set-null')).toBeNull();
    expect(screen.queryByTestId('cell-set-default')).toBeNull();
    await fireEvent.input(screen.getByTestId('cell-input'), { target: { value: '' } });
    await fireEvent.click(screen.getByTestId('cell-apply'));
    expect(onapply).toHaveBeenCalledWith({ kind: 'text', text: '' });
  });

  it('refuses a number out of range and sets DEFAULT on a column that has one', async () => {
    const onapply = vi.fn();
    render(CellEditor, { column: column({ type: 'smallint', baseType: 'smallint', category: 'number', default: '0' }), value: { kind: 'text', text: '1' }, onapply, onclose: () => {} });
    await fireEvent.input(screen.getByTestId('cell-input'), { target: { value: '70000' } });
    expect(screen.getByTestId('cell-problem').textContent).toMatch(/out of range/);
    await fireEvent.click(screen.getByTestId('cell-set-default'));
    expect(onapply).toHaveBeenCalledWith({ kind: 'default' });
  });
});
