import { api } from './api';

export type ThemeName = 'light' | 'dark';

const storageKey = 'theme';

/**
 * Theme owns the colour scheme: it follows the OS until the user picks one,
 * persists the choice in the local store (ui_state) and applies it to <html>.
 */
export class Theme {
  current = $state<ThemeName>('light');

  constructor(prefersDark = false) {
    this.current = prefersDark ? 'dark' : 'light';
  }

  /** load restores a saved choice; a failure keeps the OS default. */
  async load(): Promise<void> {
    const saved = await api.getUIState<ThemeName>(storageKey);
    if (saved === 'light' || saved === 'dark') this.current = saved;
  }

  async toggle(): Promise<void> {
    this.current = this.current === 'dark' ? 'light' : 'dark';
    await api.setUIState(storageKey, this.current);
  }
}
