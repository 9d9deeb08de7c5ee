import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The renderer of the compare page's offline export: one script and one
// stylesheet with fixed names (Vega included, no lazy chunks), which the Go
// side inlines into a single HTML file with the comparison's data
// (compare/export.go). Built after the app, into dist/export.
export default defineConfig({
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist/export',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 100_000_000,
    cssCodeSplit: false,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: 'export.html',
      output: { codeSplitting: false, entryFileNames: 'export.js', assetFileNames: 'export[extname]' },
    },
  },
});
