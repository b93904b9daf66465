import type { Component } from 'svelte';

/** One entry of the command palette: a command, or a place to jump to. */
export interface PaletteItem {
  kind: 'command' | 'tab' | 'connection' | 'saved' | 'table';
  label: string;
  detail?: string;
  shortcut?: string;
  icon?: Component;
  disabled?: boolean;
  run: () => void;
}
