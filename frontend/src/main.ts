import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { api } from './lib/api';
import { startup } from './lib/startup.svelte';

const scriptStart = performance.now();
const target = document.getElementById('app');
if (!target) throw new Error('missing #app element');

const app = mount(App, { target });
// The static outline index.html painted first; the shell replaces it in the same frame.
document.getElementById('boot')?.remove();
const mounted = performance.now();
void startup.mark('first_paint').then(() => {
  // Where the start went, in ms since the page's navigation started (for make bench-ui).
  api.reportTiming('boot_script_start', scriptStart);
  api.reportTiming('boot_mounted', mounted);
});
export default app;

// Only a `make bench-ui` run loads the bench driver (a chunk of its own).
api
  .benchScenario()
  .then((scenario) => (scenario ? import('./lib/bench/driver').then((d) => d.run(scenario)) : undefined))
  .catch((err: unknown) => console.error('bench:', err));
