import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is static files the gateway serves at "/" (built by `npm ci` through `prepare`); JSX is Preact's.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, assetsInlineLimit: 0 },
});
