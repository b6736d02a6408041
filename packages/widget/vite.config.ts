import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `name.js.br` (brotli, quality 11) and `name.js.gz` (gzip -9) beside every built JavaScript
 * file, so the server sends them as they are (Content-Encoding negotiated per request, never
 * compressed on the fly). Only the public `generateBundle`/`emitFile` plugin API, so it does not
 * depend on Vite's internals; gzip -9 is also what `pnpm size` measures.
 */
export function precompress(): Plugin {
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
 * Lit's html`` and svg`` literals are shipped as written too, indentation and all. This drops the
 * indentation of their static parts: a run of whitespace holding a line break becomes just its line
 * breaks (so line numbers, and the sourcemap's lines, stay). Rendering is unchanged — outside
 * `white-space: pre*` a line break and spaces are one space, and the widget's pre-wrap elements are
 * written on one line — and ≈ 0.25 KB of brotli leaves parley.js (scripts/check-size.mjs).
 * A small scanner finds the literals (strings, comments, regular expressions and `${…}` nesting);
 * where it could misread, it would only ever take indentation out of code, which changes nothing.
 */
export function squeezeHtmlLiterals(code: string): string {
  let out = '';
  let i = 0;
  // What encloses the scanner: a template literal (html or not), or code inside a `${`, with its braces.
  const stack: ({ kind: 'template'; html: boolean } | { kind: 'code'; braces: number })[] = [{ kind: 'code', braces: 0 }];
  let lastSignificant = '';
  const regexAfter = /[(,=:[!&|?{};+\-*%<>~^]|^$/;
  while (i < code.length) {
    const top = stack[stack.length - 1]!;
    const c = code[i]!;
    if (top.kind === 'template') {
      if (c === '\\') {
        out += code.slice(i, i + 2);
        i += 2;
      } else if (c === '`') {
        stack.pop();
        out += c;
        i++;
        lastSignificant = '`';
      } else if (c === '$' && code[i + 1] === '{') {
        stack.push({ kind: 'code', braces: 0 });
        out += '${';
        i += 2;
        lastSignificant = '{';
      } else if (top.html && /\s/.test(c)) {
        let end = i;
        while (end < code.length && /\s/.test(code[end]!)) end++;
        const run = code.slice(i, end);
        out += run.includes('\n') ? run.replace(/[^\n]/g, '') : run;
        i = end;
      } else {
        out += c;
        i++;
      }
      continue;
    }
    if (c === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      const stop = end < 0 ? code.length : end;
      out += code.slice(i, stop);
      i = stop;
    } else if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end < 0 ? code.length : end + 2;
      out += code.slice(i, stop);
      i = stop;
    } else if (c === "'" || c === '"' || (c === '/' && regexAfter.test(lastSignificant))) {
      // A string, or a regular expression (after an operator or a bracket): to its unescaped end.
      let j = i + 1;
      let inClass = false;
      while (j < code.length && code[j] !== '\n') {
        if (code[j] === '\\') j++;
        else if (c === '/' && code[j] === '[') inClass = true;
        else if (c === '/' && code[j] === ']') inClass = false;
        else if (code[j] === c && !inClass) break;
        j++;
      }
      out += code.slice(i, j + 1);
      i = j + 1;
      lastSignificant = c;
    } else if (c === '`') {
      stack.push({ kind: 'template', html: /(^|[^\w$.])(html|svg)$/.test(code.slice(Math.max(0, i - 5), i)) });
      out += c;
      i++;
    } else {
      if (c === '{') top.braces++;
      else if (c === '}') {
        if (top.braces === 0 && stack.length > 1) {
          stack.pop();
          out += c;
          i++;
          continue;
        }
        top.braces--;
      }
      if (!/\s/.test(c)) lastSignificant = /[\w$]/.test(c) ? 'a' : c;
      out += c;
      i++;
    }
  }
  return out;
}

function minifyHtmlLiterals(): Plugin {
  return {
    name: 'parley:minify-html-literals',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/widget\/src\/.*\.ts$/.test(id) || id.endsWith('.test.ts')) return null;
      const out = squeezeHtmlLiterals(code);
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
  plugins: [withoutWebTransport(), minifyCssLiterals(), minifyHtmlLiterals(), precompress()],
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
