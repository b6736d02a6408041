// Prints what the JavaScript before the first comment is made of (SPEC PAINT-12): for every chunk on
// the critical path (the entry and its static imports, from Vite's manifest), the source modules its
// code came from — read from the chunk's sourcemap — with their minified bytes and brotli bytes, and
// the same by folder. Measures, asserts nothing; `pnpm size` (check-size.mjs) keeps the budget.
//   pnpm --filter @parley/widget build && node packages/widget/scripts/critical-modules.mjs [dist]
//
// A module's "brotli" figure is what the critical path would lose without it: the brotli size of
// the chunk minus that of the chunk with the module's bytes taken out (compression shares context
// between modules, so a module alone compresses worse than it costs in place, and the figures do
// not quite add up to the chunk's). Sorted largest first.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib } from 'node:zlib';

const dist = new URL(process.argv[2] ? `file://${process.argv[2].replace(/\/?$/, '/')}` : '../dist/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8'));
const brotli = (text) =>
  brotliCompressSync(Buffer.from(text), {
    params: { [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_QUALITY]: 11 },
  }).length;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Source Map v3 `mappings` → per generated line, the segments [column, sourceIndex]. */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segments = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = B64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0];
      if (fields.length > 1) source += fields[1];
      // Later fields (line, column, name) are not needed; they are relative, but only to themselves.
      segments.push([column, fields.length > 1 ? source : -1]);
    }
    lines.push(segments);
  }
  return lines;
}

/** Each character of `code` → the index of the source it came from (-1: glue the bundler wrote). */
function attribute(code, map) {
  const owner = new Int32Array(code.length).fill(-1);
  const lines = decodeMappings(map.mappings);
  let offset = 0;
  // A line that starts without a mapping continues the previous one's last source (the lines of a
  // multi-line template literal are mapped only where an expression is).
  let last = -1;
  code.split('\n').forEach((text, i) => {
    const segments = lines[i] ?? [];
    owner.fill(last, offset, offset + (segments[0]?.[0] ?? text.length) + 1);
    if (segments.length) last = segments[segments.length - 1][1];
    for (let s = 0; s < segments.length; s++) {
      const [start, source] = segments[s];
      const end = s + 1 < segments.length ? segments[s + 1][0] : text.length;
      owner.fill(source, offset + start, offset + end);
    }
    offset += text.length + 1;
  });
  return owner;
}

/** node_modules/.pnpm/lit-html@3/node_modules/lit-html/x.js → lit-html/x.js; ../src/a/b.ts → src/a/b.ts */
const shortName = (source) => {
  const dep = source.lastIndexOf('node_modules/');
  if (dep >= 0) return source.slice(dep + 'node_modules/'.length);
  return source.replace(/^(\.\.\/)+/, '').replace(/^src\//, 'widget/src/').replace(/^(packages\/)?(\w+)\/src\//, '$2/src/');
};
const groupOf = (name) => {
  if (name.startsWith('@')) return name.split('/').slice(0, 2).join('/');
  if (!name.includes('/src/')) return name.split('/')[0];
  const parts = name.split('/');
  return parts.slice(0, Math.max(2, parts.length - 1)).join('/');
};

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
const critical = [];
const visit = (key) => {
  if (critical.includes(key)) return;
  critical.push(key);
  for (const imported of manifest[key].imports ?? []) visit(imported);
};
visit(entry);

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const pad = (s, n) => String(s).padStart(n);
for (const key of critical) {
  const file = manifest[key].file;
  const code = readFileSync(new URL(file, dist), 'utf8');
  const map = JSON.parse(readFileSync(new URL(`${file}.map`, dist), 'utf8'));
  const owner = attribute(code, map);
  const total = brotli(code);
  const runs = [];
  for (let i = 0; i < code.length; i++) {
    if (i === 0 || owner[i] !== owner[i - 1]) runs.push({ owner: owner[i], start: i, end: i + 1 });
    else runs[runs.length - 1].end = i + 1;
  }
  const without = (keep) => runs.filter((run) => keep(run.owner)).map((run) => code.slice(run.start, run.end)).join('');
  const rawBy = new Map();
  for (let i = 0; i < code.length; i++) rawBy.set(owner[i], (rawBy.get(owner[i]) ?? 0) + 1);
  const name = (index) => (index < 0 ? '(bundler glue)' : shortName(map.sources[index]));
  const rows = [...rawBy].map(([index, raw]) => ({ name: name(index), raw, br: total - brotli(without((o) => o !== index)) }));
  rows.sort((a, b) => b.br - a.br);
  console.log(`\n${file}: ${kb(code.length)} minified, ${kb(total)} brotli — by module (brotli = what leaving it out saves)`);
  for (const row of rows) console.log(`  ${pad(row.br, 6)} B br  ${pad(row.raw, 6)} B min  ${row.name}`);
  const groups = new Map();
  for (const [index] of rawBy) {
    const group = groupOf(name(index));
    if (!groups.has(group)) groups.set(group, new Set());
    groups.get(group).add(index);
  }
  const groupRows = [...groups].map(([group, members]) => ({
    group,
    raw: [...members].reduce((sum, index) => sum + rawBy.get(index), 0),
    br: total - brotli(without((o) => !members.has(o))),
  }));
  groupRows.sort((a, b) => b.br - a.br);
  console.log(`  by folder:`);
  for (const row of groupRows) console.log(`  ${pad(row.br, 6)} B br  ${pad(row.raw, 6)} B min  ${row.group}`);
}
