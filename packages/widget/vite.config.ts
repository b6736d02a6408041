import { defineConfig } from 'vite';

/**
 * parley.js is one ES module (Lit + socket.io-client + the app): a publisher adds one script tag,
 * no import map. Yjs (presence and notes) is split into `chunks/`, imported lazily after the
 * comments are visible; the browser resolves it relative to parley.js, i.e. from the Parley server. `source` resolves @parley/protocol from src (types and
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
      output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true, comments: { legal: true } },
    },
  },
});
