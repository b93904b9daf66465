// A connection's production marker and safe mode as the UI shows them: the
// marker's colour wins over the connection's own, and the band's text is
// black or white, whichever reads better on it.
import type { ConnectionConfig } from '../api';

/** The colour of a marker that has none of its own: a plain warning red. */
export const DEFAULT_MARKER_COLOR = '#c62828';

export interface ShownMarker {
  name: string;
  color: string;
}

/** markerOf is the connection's production marker, with its colour filled in; null when it has none. */
export function markerOf(c: Pick<ConnectionConfig, 'options'> | null | undefined): ShownMarker | null {
  const m = c?.options?.marker;
  if (!m?.name) return null;
  return { name: m.name, color: isHex(m.color) ? m.color : DEFAULT_MARKER_COLOR };
}

/** effectiveSafeMode applies the default: confirm for a marked connection, off otherwise (as the backend does). */
export function effectiveSafeMode(c: Pick<ConnectionConfig, 'options'> | null | undefined): 'off' | 'confirm' | 'block' {
  const mode = c?.options?.safeMode;
  if (mode === 'off' || mode === 'confirm' || mode === 'block') return mode;
  return c?.options?.marker?.name ? 'confirm' : 'off';
}

/**
 * skipsReview reports whether a data tab of the connection commits without
 * the review step: the connection's "commit table edits without review",
 * never on a marked one (as the backend saves it).
 */
export function skipsReview(c: Pick<ConnectionConfig, 'options'> | null | undefined): boolean {
  return !!c?.options?.commitWithoutReview && !c.options.marker?.name;
}

const isHex = (s: string | undefined): s is string => !!s && /^#[0-9a-f]{6}$/i.test(s);

/** luminance is the WCAG relative luminance of a #RRGGBB colour. */
export function luminance(hex: string): number {
  const ch = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = ch.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** contrast is the WCAG contrast ratio of two colours' luminances. */
export function contrast(l1: number, l2: number): number {
  const [hi, lo] = l1 > l2 ? [l1, l2] : [l2, l1];
  return (hi + 0.05) / (lo + 0.05);
}

/** textOn picks black or white text for a background, whichever contrasts more. */
export function textOn(hex: string): '#000000' | '#ffffff' {
  if (!isHex(hex)) return '#ffffff';
  const l = luminance(hex);
  return contrast(l, 0) > contrast(l, 1) ? '#000000' : '#ffffff';
}
