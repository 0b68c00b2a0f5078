import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Where `npm run dev` runs the sync server; Vite proxies /api and /ws to it. */
const devServerPort = Number(process.env.CAUSEWAY_DEV_SERVER_PORT ?? 8787);

export default defineConfig({
  plugins: [
    react(),
    // The app shell is cached by a service worker once visited, so a map
    // reloads offline from IndexedDB (venue Wi-Fi drops).
    VitePWA({
      registerType: 'autoUpdate',
      // An external script, not an inline one: the server's CSP forbids inline scripts.
      injectRegister: 'script',
      manifest: {
        name: 'Causeway',
        short_name: 'Causeway',
        description: 'Build a causal loop diagram of a system together, live.',
        theme_color: '#1d4ed8',
        background_color: '#f3f4f6',
        display: 'standalone',
        icons: [{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/ws\//, /^\/healthz/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
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
