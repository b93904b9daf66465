import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../api';
import { contrast, DEFAULT_MARKER_COLOR, effectiveSafeMode, luminance, markerOf, skipsReview, textOn } from './marker';

const conn = (options: Partial<ConnectionConfig['options']>) => ({ options: { marker: { name: '', color: '' }, safeMode: '', ...options } }) as unknown as ConnectionConfig;

describe('production marker', () => {
  it('never skips the review of table edits on a marked connection', () => {
    expect(skipsReview(conn({ commitWithoutReview: true }))).toBe(true);
    expect(skipsReview(conn({ commitWithoutReview: false }))).toBe(false);
    expect(skipsReview(conn({ commitWithoutReview: true, marker: { name: 'PROD', color: '' } }))).toBe(false);
    expect(skipsReview(undefined)).toBe(false);
  });

  it('has a colour whenever it has a name', () => {
    expect(markerOf(conn({ marker: { name: 'PROD', color: '#1f6feb' } }))).toEqual({ name: 'PROD', color: '#1f6feb' });
    expect(markerOf(conn({ marker: { name: 'PROD', color: '' } }))).toEqual({ name: 'PROD', color: DEFAULT_MARKER_COLOR });
    expect(markerOf(conn({ marker: { name: '', color: '#1f6feb' } }))).toBeNull();
    expect(markerOf(null)).toBeNull();
  });

  it('defaults safe mode to confirm on a marked connection, as the backend does', () => {
    expect(effectiveSafeMode(conn({}))).toBe('off');
    expect(effectiveSafeMode(conn({ marker: { name: 'PROD', color: '' } }))).toBe('confirm');
    expect(effectiveSafeMode(conn({ marker: { name: 'PROD', color: '' }, safeMode: 'off' }))).toBe('off');
    expect(effectiveSafeMode(conn({ safeMode: 'block' }))).toBe('block');
  });

  it('writes the band in black or white, whichever reads better (WCAG AA at least for usual marker colours)', () => {
    expect(textOn('#c62828')).toBe('#ffffff');
    expect(textOn('#ffd33d')).toBe('#000000');
    expect(textOn('#ffffff')).toBe('#000000');
    expect(textOn('not a colour')).toBe('#ffffff');
    for (const c of ['#c62828', '#e5484d', '#1f6feb', '#2da44e', '#ffd33d', '#8250df', '#f97316']) {
      const l = luminance(c);
      const t = textOn(c) === '#000000' ? 0 : 1;
      expect(contrast(l, t), c).toBeGreaterThanOrEqual(3.5);
    }
  });
});
