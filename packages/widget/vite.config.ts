import { defineConfig } from 'vite';

/**
 * parley.js is ONE ES module (Lit + socket.io-client + the app): a publisher adds one script tag,
 * no import map, no chunks to host. `source` resolves @parley/protocol from src (types and
 * constants only — the widget never imports `@parley/protocol/schemas`, so zod stays out).
 */
export default defineConfig({
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'production', 'default'] },
  build: {
    target: 'es2022',
    sourcemap: true,
    emptyOutDir: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'parley.js',
    },
    rolldownOptions: {
      // Lib mode keeps ES output readable by default; parley.js is shipped as is, so minify fully.
      // Licence comments of Lit and socket.io-client are kept.
      output: { codeSplitting: false, minify: true, comments: { legal: true } },
    },
  },
});
