import { defineConfig } from 'vite';

/**
 * The console is a page of its own (index.html + hashed assets), served by `parley serve` at
 * `/admin` (packages/server/src/transport/console-routes.ts): `base` makes every asset URL absolute
 * under /admin/, and the CSP there allows only same-origin scripts, so nothing is inlined.
 */
export default defineConfig({
  base: '/admin/',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
