import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { startup } from './lib/startup.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app element');

export default mount(App, { target });
void startup.mark('first_paint');

