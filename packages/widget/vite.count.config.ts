import { defineConfig } from 'vite';
import { precompress } from './vite.config.js';

/**
 * `parley-count.js`, the listing-page element (src/count/), built on its own after parley.js
 * (`pnpm build` runs both): a second entry in the main config would let the bundler share code
 * between the two, and a listing page must never load the thread widget's modules. Same output
 * rules as parley.js: one minified ES module, precompressed beside itself.
 */
export default defineConfig({
  plugins: [precompress()],
  build: {
    target: 'es2022',
    sourcemap: true,
    emptyOutDir: false,
    lib: { entry: 'src/count/index.ts', formats: ['es'], fileName: () => 'parley-count.js' },
    rolldownOptions: { output: { minify: true } },
  },
});
