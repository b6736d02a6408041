/** The whole run's figures as one JSON document, and the Parley ÷ baseline comparisons. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from './config.js';
import type { PinningState } from './cpu-pinning.js';
import type { MachineFacts } from './environment.js';
import type { HotThreadResult } from './scenarios/hot-thread.js';
import type { JoinCostResult } from './scenarios/join-cost.js';
import type { SustainedPostsResult } from './scenarios/sustained-posts.js';
import type { WidgetSizeResult } from './scenarios/widget-size.js';
import { ratio } from './stats.js';

export interface Comparison {
  readers: number;
  p50Ratio: number | null;
  p99Ratio: number | null;
  cpuPerMessageRatio: number | null;
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
  widgetSize: WidgetSizeResult | null;
  /** Scenarios that failed, with why; the others still ran. */
  failures: { scenario: string; error: string }[];
}

/** Parley ÷ baseline at each reader count where both ran. */
export function compare(hot: readonly HotThreadResult[]): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const parley of hot.filter((r) => r.server === 'parley')) {
    const base = hot.find((r) => r.server === 'baseline' && r.readers === parley.readers);
    if (!base) continue;
    comparisons.push({
      readers: parley.readers,
      p50Ratio: ratio(parley.deliveryMs.p50, base.deliveryMs.p50),
      p99Ratio: ratio(parley.deliveryMs.p99, base.deliveryMs.p99),
      cpuPerMessageRatio: ratio(parley.serverCpuPerMessageUs, base.serverCpuPerMessageUs),
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
