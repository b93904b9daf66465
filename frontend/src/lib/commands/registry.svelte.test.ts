import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { Commands } from './registry.svelte';

const spec = [
  { id: 'a.one', title: 'One', category: 'A', shortcut: 'Ctrl+1' },
  { id: 'b.two', title: 'Two', category: 'B' },
] as never;

describe('Commands', () => {
  it('two components registering from effects do not wake each other', () => {
    const commands = new Commands(spec);
    let runsA = 0;
    let runsB = 0;
    const stop = $effect.root(() => {
      $effect(() => {
        runsA++;
        return commands.register({ 'a.one': { run: () => 1 } });
      });
      $effect(() => {
        runsB++;
        return commands.register({ 'b.two': { run: () => 2, enabled: () => false } });
      });
    });
    flushSync();
    expect([runsA, runsB]).toEqual([1, 1]);
    expect(commands.has('a.one') && commands.has('b.two')).toBe(true);
    expect(commands.run('a.one')).toBe(true);
    expect(commands.run('b.two')).toBe(false);
    stop();
    expect(commands.has('a.one') || commands.has('b.two')).toBe(false);
  });

  it('a command registered again keeps the newest handler when the old one unbinds', () => {
    const commands = new Commands(spec);
    const first = commands.register({ 'a.one': { run: () => 1 } });
    commands.register({ 'a.one': { run: () => 2 } });
    first();
    expect(commands.has('a.one')).toBe(true);
  });
});
