/**
 * Scenario 8 (issue 10 item 3): costs that do not grow with the data. The same reader actions —
 * like, vote, post, heartbeat, join — through `dispatch` on a fresh database and on one grown as by
 * real use (grown-db.ts: ≥ 1,000,000 transfers, 100,000 comments over 1,000 threads, built by bulk
 * inserts into a file the server migrated, in the run's temp dir). Goal: each ≤ 1.2× fresh.
 *
 * Both servers run side by side (on the server core) and are measured in turns — `rounds` rounds of
 * `samples` of each action, the one measured first alternating — so a machine that gets busier or
 * quieter during the run moves both columns alike; the grown file is flushed to disk before any
 * measuring, so its building's writeback is not charged to its actions. Then, untimed, the pages
 * each action's COMMIT wrote to the WAL on each: the figure no neighbour's load moves.
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
  /** Per action over every round: CPU µs the mean of the rounds', wall the median of theirs; pages from the untimed pass. */
  fresh: ActionCost[];
  onGrown: ActionCost[];
  /** Grown ÷ fresh CPU of each round, per action: the spread the pooled ratio hides. */
  roundRatios: { action: string; ratios: number[] }[];
}

/** Actions per untimed pass that counts WAL pages. */
const pageSamples = 50;

export async function runGrownDb(config: BenchConfig, pinning: PinningState, log: (line: string) => void): Promise<GrownDbResult> {
  const grownThreads = Array.from({ length: config.grownThreads }, (_, n) => `bench/grown-${n}`);
  // The measured thread is one of the grown ones: on the grown database it has its share of history.
  const measured = grownThreads[0] as string;
  const threads = [...Object.values(benchThreads), ...grownThreads];

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
  const { rounds, samples } = config.grownRounds;
  log(`  grown in ${grown.seconds.toFixed(1)} s; ${rounds} rounds of ${samples} of each action on it and on a fresh one, in turns`);

  const servers = {
    fresh: await startParleyOn(pinning, freshDbPath('fresh'), threads),
    grown: await startParleyOn(pinning, grownPath, threads),
  };
  try {
    const timed = { fresh: [] as ActionCost[][], grown: [] as ActionCost[][] };
    for (let round = 0; round < rounds; round++) {
      await waitForQuietMachine(config.waitQuietSeconds, log);
      const order = round % 2 === 0 ? (['fresh', 'grown'] as const) : (['grown', 'fresh'] as const);
      for (const which of order) {
        const request: ActionCostsRequest = { thread: measured, samples, tag: `${which}-r${round}` };
        timed[which].push(await servers[which].call<ActionCost[]>('actionCosts', request));
      }
    }
    const pages = async (which: 'fresh' | 'grown'): Promise<ActionCost[]> =>
      servers[which].call<ActionCost[]>('actionCosts', { thread: measured, samples: pageSamples, tag: `${which}-pages`, pages: true } satisfies ActionCostsRequest);
    const fresh = pooled(timed.fresh, await pages('fresh'));
    const onGrown = pooled(timed.grown, await pages('grown'));
    const roundRatios = onGrown.map(({ action }) => ({
      action,
      ratios: timed.grown.map((costs, round) => cpuOf(costs, action) / cpuOf(timed.fresh[round] ?? [], action)),
    }));
    for (const cost of onGrown) {
      const base = fresh.find((f) => f.action === cost.action);
      log(`  ${cost.action}: ${cost.cpuMicrosPerAction.toFixed(0)} µs on the grown database, ${base?.cpuMicrosPerAction.toFixed(0) ?? '—'} µs fresh`);
    }
    return { grown, fresh, onGrown, roundRatios };
  } finally {
    await Promise.all([servers.fresh.stop(), servers.grown.stop()]);
  }
}

const cpuOf = (costs: readonly ActionCost[], action: string): number => costs.find((c) => c.action === action)?.cpuMicrosPerAction ?? Number.NaN;

/** The rounds' figures of each action as one, with the pages the untimed pass counted. */
function pooled(rounds: readonly ActionCost[][], pages: readonly ActionCost[]): ActionCost[] {
  return (rounds[0] ?? []).map(({ action }) => {
    const each = rounds.map((costs) => costs.find((c) => c.action === action)).filter((c): c is ActionCost => c !== undefined);
    const walls = each.map((c) => c.wallMsMedian).sort((a, b) => a - b);
    const counted = pages.find((c) => c.action === action)?.pagesPerAction;
    return {
      action,
      samples: each.reduce((sum, c) => sum + c.samples, 0),
      cpuMicrosPerAction: each.reduce((sum, c) => sum + c.cpuMicrosPerAction, 0) / each.length,
      wallMsMedian: walls[Math.floor(walls.length / 2)] ?? 0,
      ...(counted !== undefined && { pagesPerAction: counted }),
    };
  });
}
