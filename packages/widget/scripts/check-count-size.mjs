// <parley-count> is for listing pages: it must stay tiny (SPEC COUNT-5). Fails past its gzip budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP_BYTES = 2 * 1024;
const raw = readFileSync(new URL('../dist/parley-count.js', import.meta.url));
const gzip = gzipSync(raw, { level: 9 }).length;
console.log(`parley-count.js: ${(raw.length / 1024).toFixed(1)} KB raw, ${(gzip / 1024).toFixed(1)} KB gzip (budget ${(BUDGET_GZIP_BYTES / 1024).toFixed(1)} KB)`);
if (gzip > BUDGET_GZIP_BYTES) {
  console.error('parley-count.js is over its gzip budget');
  process.exit(1);
}
