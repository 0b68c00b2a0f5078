import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev` runs the sync server; Vite proxies /api and /ws to it. */
const devServerPort = Number(process.env.CAUSEWAY_DEV_SERVER_PORT ?? 8787);

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  worker: { format: 'es' },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': `http://127.0.0.1:${devServerPort}`,
      '/healthz': `http://127.0.0.1:${devServerPort}`,
      '/ws': { target: `ws://127.0.0.1:${devServerPort}`, ws: true },
    },
  },
});
