import { defineConfig } from 'vite';

// Relative asset URLs, so the dashboard also works behind a reverse proxy that serves the server under a path.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small script and one stylesheet; the server caches everything under /assets/ for a year.
    modulePreload: false,
    reportCompressedSize: false,
  },
});
