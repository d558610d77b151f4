/**
 * The web app's build: React with Vite, sources in web/src, output in web/dist (served by the
 * all-in-one server). `npx vite --config web/vite.config.ts` runs a dev server that forwards the API
 * to a product started with `npm start` (AUDITOR_DEV_BACKEND overrides http://127.0.0.1:8080).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const backend = process.env.AUDITOR_DEV_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: backend },
      '/.well-known': { target: backend },
    },
  },
});
