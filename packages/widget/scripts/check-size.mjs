// Fails when dist/parley.js grows past its gzip budget, so the bundle cannot grow unnoticed.
// Budget: Lit (≈ 6.7 KB) + socket.io-client (≈ 13 KB) + the app (≈ 19 KB: threads, locks, and the
// Read-to-Earn / PnL blocks, which sit above the comments on the reference page and so belong to the
// first paint), plus a little headroom. Yjs (presence, notes) is a lazy chunk and not counted here.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP_BYTES = 43 * 1024;
const file = new URL('../dist/parley.js', import.meta.url);
const raw = readFileSync(file);
const gzip = gzipSync(raw, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`parley.js: ${kb(raw.length)} raw, ${kb(gzip)} gzip (budget ${kb(BUDGET_GZIP_BYTES)})`);
if (gzip > BUDGET_GZIP_BYTES) {
  console.error('parley.js is over its gzip budget');
  process.exit(1);
}
