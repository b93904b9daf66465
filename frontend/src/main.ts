import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { api } from './lib/api';
import { startup } from './lib/startup.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app element');

const app = mount(App, { target });
// The static outline index.html painted first; the shell replaces it in the same frame.
document.getElementById('boot')?.remove();
void startup.mark('first_paint');
export default app;

// Only a `make bench-ui` run loads the bench driver (a chunk of its own).
api
  .benchScenario()
  .then((scenario) => (scenario ? import('./lib/bench/driver').then((d) => d.run(scenario)) : undefined))
  .catch((err: unknown) => console.error('bench:', err));
