/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The built UI is embedded in the Go binary (assets.go) and served both by
// Wails' AssetServer and by `flowdeck serve`, so every asset URL is relative.
export default defineConfig({
  base: './',
  plugins: [svelte()],
  // Svelte's client runtime (runes) in unit tests too.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    // The card views (vega-embed) will be large; keep warnings meaningful.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` against a running `flowdeck serve` on the default port.
    proxy: {
      '/api': { target: 'http://127.0.0.1:8324', changeOrigin: false },
      '/card': { target: 'http://127.0.0.1:8324', changeOrigin: false },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    env: { TZ: 'UTC' },
    restoreMocks: true,
  },
});
