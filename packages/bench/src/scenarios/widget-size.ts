/**
 * Scenario 5: what a publisher's readers download: the widget entry `parley.js`, raw and gzipped
 * (level 9), plus any lazily loaded chunks beside it (Yjs is meant to load after first paint).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface FileSize {
  file: string;
  rawBytes: number;
  gzipBytes: number;
}

export type WidgetSizeResult =
  | { built: false; path: string }
  | { built: true; path: string; entry: FileSize; otherChunks: FileSize[] };

/** packages/widget/dist, from packages/bench/dist/scenarios/. */
const distDir = fileURLToPath(new URL('../../../widget/dist/', import.meta.url));
const entryName = 'parley.js';

function sizeOf(dir: string, file: string): FileSize {
  const source = readFileSync(join(dir, file));
  return { file, rawBytes: source.length, gzipBytes: gzipSync(source, { level: 9 }).length };
}

export function measureWidgetSize(): WidgetSizeResult {
  const path = join(distDir, entryName);
  if (!existsSync(path)) return { built: false, path };
  const otherChunks = readdirSync(distDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js') && file !== entryName)
    .map((file) => sizeOf(distDir, file));
  return { built: true, path, entry: sizeOf(distDir, entryName), otherChunks };
}
