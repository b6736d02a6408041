import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `name.js.br` (brotli, quality 11) and `name.js.gz` (gzip -9) beside every built JavaScript
 * file, so the server sends them as they are (Content-Encoding negotiated per request, never
 * compressed on the fly). Only the public `generateBundle`/`emitFile` plugin API, so it does not
 * depend on Vite's internals; gzip -9 is also what `pnpm size` measures.
 */
function precompress(): Plugin {
  return {
    name: 'parley:precompress',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        const source = Buffer.from(output.code);
        const brotli = brotliCompressSync(source, {
          params: {
            [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
            [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
            [zlib.BROTLI_PARAM_SIZE_HINT]: source.length,
          },
        });
        const gzip = gzipSync(source, { level: 9 });
        // A variant no smaller than the file is left out: the server then sends the file as is.
        if (brotli.length < source.length) this.emitFile({ type: 'asset', fileName: `${output.fileName}.br`, source: brotli });
        if (gzip.length < source.length) this.emitFile({ type: 'asset', fileName: `${output.fileName}.gz`, source: gzip });
      }
    },
  };
}

/**
 * engine.io-client ships a WebTransport transport the widget never asks for (it connects with
 * `transports: ['websocket', 'polling']`); a stub takes its place so its code is not in parley.js.
 */
function withoutWebTransport(): Plugin {
  const stub = '\0parley:no-webtransport';
  return {
    name: 'parley:no-webtransport',
    enforce: 'pre',
    resolveId(source, importer) {
      return source === './webtransport.js' && importer?.includes('engine.io-client') ? stub : null;
    },
    load(id) {
      return id === stub ? 'export class WT { constructor() { throw new Error("WebTransport is not used by Parley"); } }' : null;
    },
  };
}

/**
 * Lit's css`` literals are shipped as written — indentation, comments and all — since minifiers do
 * not touch template strings. This drops comments and collapses whitespace in the static parts of
 * every css`` literal of the widget's `*.styles.ts` (interpolations are left as they are), which
 * keeps ~1 KB of brotli out of parley.js's first-paint budget (scripts/check-size.mjs). Only
 * whitespace that CSS ignores goes: runs become one space (a descendant combinator stays), and none
 * is kept beside `{`, `}`, `;` or `,`.
 */
function minifyCssLiterals(): Plugin {
  const squeeze = (css: string): string =>
    css
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,])\s*/g, '$1');
  return {
    name: 'parley:minify-css-literals',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/widget\/src\/.*\.styles\.ts$/.test(id)) return null;
      const out = code.replace(/\bcss`((?:\\[\s\S]|[^`\\])*)`/g, (_literal, body: string) =>
        `css\`${body.split(/(\$\{[^}]*\})/).map((part, i) => (i % 2 === 1 ? part : squeeze(part))).join('')}\``,
      );
      return out === code ? null : { code: out, map: null };
    },
  };
}

/**
 * parley.js is one ES module (Lit + the app's first paint): a publisher adds one script tag, no
 * import map. Socket.IO with <parley-composer>, Yjs (presence and notes) and the words of a Twei
 * refusal are split into `chunks/`, imported lazily after the first comments are painted; the
 * browser resolves them relative to parley.js, i.e. from the Parley server. `source` resolves
 * @parley/protocol from src (types and constants only — the widget never imports `@parley/protocol/schemas`, so zod stays out).
 * Everything under `chunks/` is named by its content hash: the server serves it `immutable`
 * (packages/server/src/transport/widget-files.ts), so keep `[hash]` in `chunkFileNames`.
 */
export default defineConfig({
  plugins: [withoutWebTransport(), minifyCssLiterals(), precompress()],
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'production', 'default'] },
  build: {
    target: 'es2022',
    sourcemap: true,
    emptyOutDir: true,
    // dist/.vite/manifest.json: the chunk graph scripts/check-size.mjs reads the critical path from.
    manifest: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'parley.js',
    },
    rolldownOptions: {
      // Code shared by parley.js and a lazy chunk (Lit, for <parley-earnings>) stays in parley.js,
      // which the chunk imports from; lib mode's default ('strict') would split it into a third file.
      preserveEntrySignatures: 'allow-extension',
      // Lib mode keeps ES output readable by default; parley.js is shipped as is, so minify fully.
      // Licence comments of Lit and socket.io-client are kept.
      output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true, comments: { legal: true } },
    },
  },
});
