// Fails when the JavaScript a page needs before its first comment shows grows past its budget
// (SPEC PAINT-12), so the first paint cannot get heavier unnoticed.
//
// The critical path is read from the build graph (Vite's manifest, dist/.vite/manifest.json): the
// entry, parley.js, and every chunk it imports statically, transitively — what the browser must fetch
// before the module runs. Dynamic imports (Socket.IO, the thread's live parts, Yjs, the words of a
// Twei refusal, the other languages) are fetched only after the first page is painted
// (transport/deferred-connection.ts) and are listed, not counted. demo/e2e/first-paint.e2e.test.ts
// checks the same figure in Chromium, from the network log, so a lazy chunk that starts loading too
// early fails there. `node scripts/critical-modules.mjs` prints what the critical path is made of.
//
// Budget: 30 KB on the wire for the JavaScript before the first comment (issue 10), of which ~0.3 KB
// goes to the response's HTTP headers. The English catalog and the Intl translator (I18N-2) and the
// moderation, formatting and permalink hooks had taken it to 32.3 KB brotli; the thread's live parts
// (PAINT-15: the composer, the economy's live store, the moderation desk, the inline forms, presence
// and notes' live half, and their words) and the html`` literals without indentation (PAINT-16)
// brought it back under. gzip (browsers that do not take brotli, e.g. over plain http to a remote
// host) is reported with its own ceiling.
//
// [PAINT-15] Modules that belong to the live parts must not be in parley.js: read from its
// sourcemap, so a static import that pulls one back in fails here, whatever the byte count.
import { existsSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const BUDGET_BROTLI_BYTES = 29.5 * 1024;
const BUDGET_GZIP_BYTES = 34 * 1024;
const LIVE_PARTS = [
  'src/composer/composer.ts',
  'src/comment/comment-forms.ts',
  'src/economy/economy-store.ts',
  'src/economy/economy-driver.ts',
  'src/economy/read-tracker.ts',
  'src/thread/moderation-desk.ts',
  'src/realtime/follow-room.ts',
  'src/i18n/en-live.ts',
  'src/i18n/en-shortfall.ts',
  'src/thread/comment-actions.ts',
  'src/thread/gate-attributes.ts',
];
const dist = new URL('../dist/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8'));

const sizes = (file) => {
  const raw = readFileSync(new URL(file, dist));
  const br = existsSync(new URL(`${file}.br`, dist))
    ? readFileSync(new URL(`${file}.br`, dist)).length
    : brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length, br };
};

const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
if (entries.length !== 1) throw new Error(`expected one entry in the manifest, found ${entries.length}`);
const critical = new Set();
const visit = (key) => {
  if (critical.has(key)) return;
  critical.add(key);
  for (const imported of manifest[key].imports ?? []) visit(imported);
};
visit(entries[0][0]);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const total = { raw: 0, gzip: 0, br: 0 };
console.log('Before the first comment (the entry and its static imports):');
for (const key of critical) {
  const { file } = manifest[key];
  const size = sizes(file);
  for (const k of Object.keys(total)) total[k] += size[k];
  console.log(`  ${file}: ${kb(size.raw)} raw, ${kb(size.br)} brotli, ${kb(size.gzip)} gzip`);
}
console.log(`  critical path: ${kb(total.br)} brotli (budget ${kb(BUDGET_BROTLI_BYTES)}), ${kb(total.gzip)} gzip (budget ${kb(BUDGET_GZIP_BYTES)})`);
console.log('After it (dynamic imports, not counted):');
for (const [key, chunk] of Object.entries(manifest)) {
  if (critical.has(key) || !chunk.file.endsWith('.js')) continue;
  const size = sizes(chunk.file);
  console.log(`  ${chunk.file}: ${kb(size.br)} brotli, ${kb(size.gzip)} gzip`);
}
const entryMap = JSON.parse(readFileSync(new URL(`${entries[0][1].file}.map`, dist), 'utf8'));
const pulledIn = LIVE_PARTS.filter((module) => entryMap.sources.some((source) => source.endsWith(module)));
if (pulledIn.length > 0) {
  console.error(`In ${entries[0][1].file}, but part of the thread's live parts (thread/live-parts.ts, PAINT-15): ${pulledIn.join(', ')}`);
  process.exit(1);
}
if (total.br > BUDGET_BROTLI_BYTES || total.gzip > BUDGET_GZIP_BYTES) {
  console.error('The JavaScript before the first comment is over its budget: move what the first paint does not need behind a dynamic import.');
  process.exit(1);
}
