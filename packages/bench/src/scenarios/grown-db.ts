/**
 * Scenario 9 (issue 10 item 3): costs that do not grow with the data. The same reader actions —
 * like, vote, post, heartbeat, join — through `dispatch` on a fresh database and on one grown as by
 * real use (grown-db.ts: ≥ 1,000,000 transfers, 100,000 comments over 1,000 threads, built by bulk
 * inserts into a file the server migrated, cached in the run's temp dir). Goal: each ≤ 1.2× fresh.
 */
import type { BenchConfig } from '../config.js';
import type { PinningState } from '../cpu-pinning.js';
import { growDatabase, type GrownCounts } from '../grown-db.js';
import { waitForQuietMachine } from '../machine-load.js';
import type { ActionCost, ActionCostsRequest } from '../parley-child-api.js';
import { benchSite, benchThreads, startParleyOn } from '../targets.js';
import { freshDbPath } from '../temp-dir.js';

export interface GrownDbResult {
  grown: GrownCounts;
  fresh: ActionCost[];
  onGrown: ActionCost[];
}

const samples = 300;

export async function runGrownDb(config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<GrownDbResult> {
  const grownThreads = Array.from({ length: config.grownThreads }, (_, n) => `bench/grown-${n}`);
  // The measured thread is one of the grown ones: on the grown database it has its share of history.
  const measured = grownThreads[0] as string;
  const threads = [...Object.values(benchThreads), ...grownThreads];

  const costsOn = async (dbPath: string, tag: string): Promise<ActionCost[]> => {
    const server = await startParleyOn(pinning, dbPath, threads);
    try {
      await waitForQuietMachine(config.waitQuietSeconds, log);
      const request: ActionCostsRequest = { thread: measured, samples, tag };
      return await server.call<ActionCost[]>('actionCosts', request);
    } finally {
      await server.stop();
    }
  };

  log(`  fresh database: ${samples} of each action`);
  const fresh = await costsOn(freshDbPath('fresh'), 'fresh');

  const grownPath = freshDbPath('grown');
  // The server migrates the file and its host creates the threads; then the bulk inserts.
  await (await startParleyOn(pinning, grownPath, threads)).stop();
  log(`  growing a database: ${config.grownTransfers.toLocaleString('en-US')} transfers, ${config.grownComments.toLocaleString('en-US')} comments over ${config.grownThreads} threads…`);
  const grown = growDatabase(grownPath, {
    site: benchSite.id,
    threads: grownThreads,
    comments: config.grownComments,
    transfers: config.grownTransfers,
    readers: 10_000,
    now: Date.now(),
  });
  log(`  grown in ${grown.seconds.toFixed(1)} s; ${samples} of each action on it`);
  const onGrown = await costsOn(grownPath, 'grown');
  for (const cost of onGrown) {
    const base = fresh.find((f) => f.action === cost.action);
    log(`  ${cost.action}: ${cost.cpuMicrosPerAction.toFixed(0)} µs on the grown database, ${base?.cpuMicrosPerAction.toFixed(0) ?? '—'} µs fresh`);
  }
  return { grown, fresh, onGrown };
}
