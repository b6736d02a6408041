// Fails when dist/parley.js grows past its gzip budget, so the bundle cannot grow unnoticed.
// Budget: Lit (≈ 6.7 KB) + socket.io-client (≈ 13 KB) + the app (≈ 19 KB: threads, locks, the
// economy's state and modes), plus a little headroom. Yjs (presence, notes) and <parley-earnings>
// (the Twei blocks and the words of a refusal for want of Twei, ≈ 4 KB) are lazy chunks and not
// counted here: the blocks are fetched when a session starts, in parallel with connecting, and can
// draw only once `economy:state` has answered over the socket anyway — and a page with
// economy="off" never downloads them. Languages (i18n/): the English catalog (≈ 1.4 KB: every word
// the widget says, with its key) and the translator over Intl (≈ 0.9 KB) are in parley.js, 42.5 →
// 45.0 KB (the budget was 43); Spanish, French and Arabic are lazy chunks (≈ 3.5 KB each)
// fetched only when a page asks. Measured ways back under: short message keys at build (−0.44 KB),
// whitespace out of the html`` literals (−0.5 KB).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP_BYTES = 45 * 1024;
const file = new URL('../dist/parley.js', import.meta.url);
const raw = readFileSync(file);
const gzip = gzipSync(raw, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`parley.js: ${kb(raw.length)} raw, ${kb(gzip)} gzip (budget ${kb(BUDGET_GZIP_BYTES)})`);
if (gzip > BUDGET_GZIP_BYTES) {
  console.error('parley.js is over its gzip budget');
  process.exit(1);
}
