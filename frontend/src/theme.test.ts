// Both themes pass WCAG AA: every text colour the app uses against the
// backgrounds it is drawn on has a contrast ratio of at least 4.5:1 (3:1 for
// large text and non-text marks such as focus rings and borders of controls).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Vitest runs in frontend/.
const css = readFileSync('src/app.css', 'utf8');

function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]));
}

const light = block(':root');
const dark = { ...light, ...block(":root[data-theme='dark']") };

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

const text: [string, string][] = [
  ['fg', 'bg'],
  ['fg', 'surface-2'],
  ['fg', 'surface-3'],
  ['fg', 'selection'],
  ['muted', 'bg'],
  ['muted', 'surface-2'],
  ['accent-text', 'bg'],
  ['accent-text', 'surface-2'],
  ['on-accent', 'accent'],
  ['danger', 'bg'],
  ['danger', 'surface-2'],
  ['warning-text', 'bg'],
  ['warning-text', 'surface-2'],
  ['success', 'bg'],
];
const marks: [string, string][] = [
  ['accent', 'bg'],
  ['warning', 'bg'],
];

describe.each([
  ['light', light],
  ['dark', dark],
])('the %s theme', (_, theme) => {
  it.each(text)('%s on %s is readable text (4.5:1)', (fg, bg) => {
    expect(theme[fg], fg).toBeDefined();
    expect(contrast(theme[fg]!, theme[bg]!)).toBeGreaterThanOrEqual(4.5);
  });
  it.each(marks)('%s on %s is a visible mark (3:1)', (fg, bg) => {
    expect(contrast(theme[fg]!, theme[bg]!)).toBeGreaterThanOrEqual(3);
  });
});
