/** The whole run's figures as one JSON document, and the Parley ÷ baseline comparisons. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from './config.js';
import type { PinningState } from './cpu-pinning.js';
import type { MachineFacts } from './environment.js';
import { resultLabel, type HotThreadResult } from './scenarios/hot-thread.js';
import type { JoinCostResult } from './scenarios/join-cost.js';
import type { JoinStormResult } from './scenarios/join-storm.js';
import type { IdleReadersResult } from './scenarios/idle-readers.js';
import type { GrownDbResult } from './scenarios/grown-db.js';
import type { SustainedPostsResult } from './scenarios/sustained-posts.js';
import type { WidgetSizeResult } from './scenarios/widget-size.js';
import { ratio } from './stats.js';

export interface Comparison {
  readers: number;
  /** Which Parley run: `parley`, or `parley (legacy presence)` (readers that do not ride, PRES-9). */
  run: string;
  /** Parley ÷ baseline, both with the widget's presence (the baseline relaying it naively). */
  p50Ratio: number | null;
  p99Ratio: number | null;
  cpuPerMessageRatio: number | null;
  serverCpuRatio: number | null;
  /** Parley's server CPU with presence on ÷ the same readers with presence off (goal ≤ 1.15). */
  presenceCpuRatio: number | null;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string | null;
  machine: MachineFacts;
  pinning: PinningState;
  tempFileSystem: string;
  config: BenchConfig;
  hotThread: HotThreadResult[];
  comparisons: Comparison[];
  sustainedPosts: SustainedPostsResult | null;
  joinCost: JoinCostResult | null;
  joinStorm: JoinStormResult | null;
  idleReaders: IdleReadersResult | null;
  grownDb: GrownDbResult | null;
  widgetSize: WidgetSizeResult | null;
  /** Scenarios that failed, with why; the others still ran. */
  failures: { scenario: string; error: string }[];
}

/** At each reader count where Parley ran with presence: ÷ the baseline, and ÷ itself without presence. */
export function compare(hot: readonly HotThreadResult[]): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const parley of hot.filter((r) => r.server === 'parley' && r.presence)) {
    const base = hot.find((r) => r.server === 'baseline' && r.presence && r.readers === parley.readers);
    const off = hot.find((r) => r.server === 'parley' && !r.presence && r.readers === parley.readers);
    if (!base && !off) continue;
    comparisons.push({
      readers: parley.readers,
      run: resultLabel(parley),
      p50Ratio: base ? ratio(parley.deliveryMs.p50, base.deliveryMs.p50) : null,
      p99Ratio: base ? ratio(parley.deliveryMs.p99, base.deliveryMs.p99) : null,
      cpuPerMessageRatio: base ? ratio(parley.serverCpuPerMessageUs, base.serverCpuPerMessageUs) : null,
      serverCpuRatio: base ? ratio(parley.serverCpuPercent, base.serverCpuPercent) : null,
      presenceCpuRatio: off ? ratio(parley.serverCpuPercent, off.serverCpuPercent) : null,
    });
  }
  return comparisons;
}

/** packages/bench/results/latest.json (git-ignored; a chosen run is committed under another name). */
export const latestResultsPath = fileURLToPath(new URL('../results/latest.json', import.meta.url));

export function writeResults(results: BenchResults): void {
  mkdirSync(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
  writeFileSync(latestResultsPath, `${JSON.stringify(results, null, 2)}\n`);
}
