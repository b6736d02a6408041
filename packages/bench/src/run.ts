/**
 * The benchmark: starts each server under test in a child process on core 0, drives it from
 * here on core 1, prints the figures and writes them to results/latest.json. It asserts nothing
 * and always ends by itself, leaving no process or temp file behind.
 */
import { cleanupAll, installExitHandlers } from './cleanup.js';
import { readConfig, usage, type BenchConfig } from './config.js';
import { pinThisProcessToClientCore, type PinningState } from './cpu-pinning.js';
import { fitsOpenFileLimit, machineFacts, raiseLimitHint } from './environment.js';
import * as report from './report.js';
import { compare, latestResultsPath, writeResults, type BenchResults } from './results.js';
import { clusterSection, runCluster, type ClusterResult } from './scenarios/cluster.js';
import { runHotThread, variantLabel, type HotVariant } from './scenarios/hot-thread.js';
import { runJoinCost } from './scenarios/join-cost.js';
import { runJoinStorm } from './scenarios/join-storm.js';
import { runIdleReaders } from './scenarios/idle-readers.js';
import { runGrownDb } from './scenarios/grown-db.js';
import { runSustainedPosts } from './scenarios/sustained-posts.js';
import { measureWidgetSize } from './scenarios/widget-size.js';
import { baseline, parley } from './targets.js';
import { tempFileSystem } from './temp-dir.js';

const log = (line: string): void => console.log(line);

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(usage);
    return;
  }
  installExitHandlers();
  const config = readConfig(process.argv.slice(2), process.env);
  const pinning = pinThisProcessToClientCore();
  // The cluster scenario's figures ride along in the same JSON (scenarios/cluster.ts).
  const results: BenchResults & { cluster?: ClusterResult } = {
    startedAt: new Date().toISOString(),
    finishedAt: null,
    machine: machineFacts(),
    pinning,
    tempFileSystem: tempFileSystem(),
    config,
    hotThread: [],
    comparisons: [],
    sustainedPosts: null,
    joinCost: null,
    joinStorm: null,
    idleReaders: null,
    grownDb: null,
    widgetSize: null,
    failures: [],
  };
  log(report.header(results));
  if (!pinning.pinned) log('  ! figures from an unpinned run mix server and client CPU; compare with care');

  const attempt = async (scenario: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`  ! ${scenario} failed: ${message}`);
      results.failures.push({ scenario, error: message });
    }
    // After every scenario, so a run stopped half-way still leaves what it measured (finishedAt null).
    results.comparisons = compare(results.hotThread);
    writeResults(results);
  };

  for (const scenario of config.scenarios) {
    log(`\n== ${scenario}`);
    if (scenario === 'hot') await runHotScenario(config, pinning, results, attempt);
    if (scenario === 'sustained') {
      await attempt('sustained posts', async () => {
        results.sustainedPosts = await runSustainedPosts(config, pinning, log);
      });
    }
    if (scenario === 'join') {
      await attempt('join cost', async () => {
        results.joinCost = await runJoinCost(config, pinning, log);
      });
    }
    if (scenario === 'storm') {
      await attempt('join storm', async () => {
        results.joinStorm = await runJoinStorm(config, pinning, log);
      });
    }
    if (scenario === 'idle') {
      if (!fitsOpenFileLimit(config.idleReaders, results.machine.openFileLimit)) {
        results.failures.push({ scenario: 'idle readers', error: `${config.idleReaders} readers do not fit the open-file limit. ${raiseLimitHint}` });
      } else {
        await attempt('idle readers', async () => {
          results.idleReaders = await runIdleReaders(config, pinning, log);
        });
      }
    }
    if (scenario === 'grown') {
      await attempt('grown database', async () => {
        results.grownDb = await runGrownDb(config, pinning, log);
      });
    }
    if (scenario === 'size') results.widgetSize = measureWidgetSize();
    if (scenario === 'cluster') {
      await attempt('cluster', async () => {
        results.cluster = await runCluster(config, pinning, log);
      });
    }
  }

  results.comparisons = compare(results.hotThread);
  results.finishedAt = new Date().toISOString();
  log(`\n${'='.repeat(100)}\n${report.header(results)}`);
  for (const section of [
    report.hotThreadSection(results),
    report.sustainedSection(results.sustainedPosts),
    report.joinSection(results.joinCost),
    report.stormSection(results.joinStorm),
    report.idleSection(results.idleReaders),
    report.grownSection(results.grownDb),
    report.widgetSection(results.widgetSize),
    clusterSection(results.cluster ?? null),
    report.failuresSection(results),
  ]) {
    if (section) log(section);
  }
  writeResults(results);
  log(`\nresults written to ${latestResultsPath}`);
}

async function runHotScenario(
  config: BenchConfig,
  pinning: PinningState,
  results: BenchResults,
  attempt: (scenario: string, work: () => Promise<void>) => Promise<void>,
): Promise<void> {
  for (const readers of config.readerCounts) {
    if (!fitsOpenFileLimit(readers, results.machine.openFileLimit)) {
      const why = `${readers} readers need ~${readers + 256} open files each side; the limit is ${results.machine.openFileLimit}. ${raiseLimitHint}`;
      log(`  ! skipped: ${why}`);
      results.failures.push({ scenario: `hot thread @ ${readers}`, error: why });
      continue;
    }
    // Baseline after Parley at each N, so both meet the same machine state (warm caches, same load).
    for (const run of config.hotRuns) {
      const target = run.startsWith('baseline') ? baseline : parley;
      // [PRES-9] Parley's readers opt in to riders as the widget does, unless the run is the legacy one.
      const variant: HotVariant = { target, presence: !run.endsWith('no-presence'), rides: target === parley && run !== 'parley-legacy-presence' };
      const label = variantLabel({ server: variant.target.name, presence: variant.presence, rides: variant.rides });
      await attempt(`hot thread ${label} @ ${readers}`, async () => {
        log(`  ${label} with ${readers} readers`);
        results.hotThread.push(await runHotThread(variant, readers, config, pinning, log));
      });
    }
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await cleanupAll();
  // Sockets a failed scenario left half-open must not keep a finished benchmark alive.
  process.exit();
}
