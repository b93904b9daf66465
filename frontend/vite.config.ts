import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Wails' dev server proxies to Vite; TUSK_VITE_PORT lets parallel e2e runs
// use distinct ports (strictPort: fail instead of drifting to another port).
const port = Number(process.env.TUSK_VITE_PORT ?? 5173);

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  server: { port, strictPort: true, host: '127.0.0.1' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/test-setup.ts'],
  },
});
