// The UI's fonts are the desktop's, named only through generic families.
// WebKitGTK looks every named family of a font-family list up in fontconfig,
// for each size and weight in use, before the one it finds: the stack
// "system-ui, -apple-system, 'Segoe UI', Roboto, 'Cantarell', 'Helvetica Neue',
// sans-serif" cost 80 ms of the first frame (docs/performance.md, round 6).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const GENERIC = new Set(['system-ui', 'ui-sans-serif', 'ui-monospace', 'sans-serif', 'monospace']);

// Vitest runs in frontend/.
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(svelte|css)$/.test(e.name) ? [p] : [];
  });
}

describe('fonts', () => {
  const css = readFileSync('src/app.css', 'utf8');

  it('names no font family in the two stacks, only generic ones', () => {
    for (const name of ['font', 'mono']) {
      const stack = css.match(new RegExp(`--${name}:\\s*([^;]+);`))?.[1];
      expect(stack, `--${name} in app.css`).toBeDefined();
      const families = stack!.split(',').map((f) => f.trim());
      expect(families.filter((f) => !GENERIC.has(f)), `--${name}: ${stack}`).toEqual([]);
    }
  });

  it('sets fonts everywhere through the two stacks', () => {
    const stray: string[] = [];
    for (const file of sources('src')) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/font-family:\s*([^;]+);/g)) {
        if (!/^(var\(--(font|mono)\)|inherit)$/.test(m[1]!.trim())) stray.push(`${file}: ${m[0]}`);
      }
    }
    expect(stray).toEqual([]);
  });
});
