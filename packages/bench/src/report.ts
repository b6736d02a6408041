/** The console report: one short section per scenario, figures first, caveats right under them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from './results.js';
import { widgetCadence } from './readers.js';
import { resultLabel, type HotThreadResult } from './scenarios/hot-thread.js';
import type { JoinCostResult } from './scenarios/join-cost.js';
import type { JoinStormResult } from './scenarios/join-storm.js';
import type { HeartbeatCost, IdleReadersResult } from './scenarios/idle-readers.js';
import type { GrownDbResult } from './scenarios/grown-db.js';
import type { SustainedPostsResult, SustainedRun } from './scenarios/sustained-posts.js';
import type { WidgetSizeResult } from './scenarios/widget-size.js';
import { count, errorsText, fixed, kib, ms, table, times, type Cell } from './table.js';

export function header(results: BenchResults): string {
  const { machine, pinning, config } = results;
  return [
    `Parley benchmark — ${results.startedAt}${config.quick ? '  (QUICK smoke run: small figures, not for comparison)' : ''}`,
    `  ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}`,
    `  pinning: ${pinning.note}`,
    `  open-file limit: ${machine.openFileLimit ?? 'unlimited'}; databases on ${results.tempFileSystem}`,
  ].join('\n');
}

export function hotThreadSection(results: BenchResults): string {
  const { hotThread: runs, comparisons, config } = results;
  if (runs.length === 0) return '';
  const rows = runs.map((r) => {
    const traffic = r.perReaderPerSecond;
    return [
      resultLabel(r),
      count(r.readers),
      ms(r.deliveryMs.p50),
      ms(r.deliveryMs.p99),
      ms(r.deliveryMs.max),
      r.expectedDeliveries > 0 ? `${((r.deliveryMs.count / r.expectedDeliveries) * 100).toFixed(r.deliveryMs.count < r.expectedDeliveries ? 1 : 0)}%` : null,
      count(r.receipts.lost),
      fixed(r.serverCpuPercent, 0),
      fixed(r.clientCpuPercent, 0),
      fixed(traffic.messages, 1),
      fixed(traffic.bytes, 0),
      fixed(traffic.presenceMessages, 2),
      fixed(traffic.presenceBytes, 0),
      fixed(r.serverCpuPerMessageUs, 1),
      ms(r.drainMs),
      r.neighbourLoadPercent ? r.neighbourLoadPercent.map((percent) => percent.toFixed(0)).join('/') : null,
    ];
  });
  const lines = [
    `\n1–2. Hot thread: ${config.commentsPerSecond} comments/s + ${config.reactionsPerSecond} reactions/s for ${config.hotSeconds} s, widget-like readers in one thread`,
    `  readers: ${percent(config.signedInShare)} signed in (heartbeat every ${widgetCadence.heartbeatMs / 1000} s, economy:state on join); ` +
      `presence renewed every ${widgetCadence.presenceRenewMs / 1000} s, ${percent(config.typingShare)} of signed-in readers typing ` +
      `(sessions ${widgetCadence.typingSeconds.join('–')} s), presence:sync on join — or none of the presence, "presence off"`,
    table(
      ['server', 'readers', 'p50 ms', 'p99 ms', 'max ms', 'delivered', 'lost', 'srv CPU %', 'client CPU %', 'msgs/rdr/s', 'B/rdr/s', 'presence msgs/rdr/s', 'presence B/rdr/s', 'µs/msg', 'drain ms', 'others %'],
      rows,
    ),
    "  latency: comment emit → each reader's receipt, over every (comment × reader); delivered: of comments sent × readers joined",
    '  lost: seqs a reader missed up to the last seq a write was acknowledged with (writes never acknowledged count only in delivered)',
    '  /rdr/s: received per reader per second of the window',
    '  B: WebSocket frames (payload + frame header) of every kind — events, acks, pings; presence: presence:state and the acks of presence:set/sync',
    '  µs/msg: server CPU ÷ messages readers received; others %: CPU other processes took on the server core / client core (should be ~0)',
  ];
  if (comparisons.length > 0) {
    lines.push(
      '',
      table(
        ['Parley ÷ baseline', 'p50', 'p99', 'server CPU', 'CPU per msg', 'presence on ÷ off CPU (goal ≤ 1.15)'],
        comparisons.map((c) => [
          `${c.run} at ${count(c.readers)} readers`,
          times(c.p50Ratio),
          times(c.p99Ratio),
          times(c.serverCpuRatio),
          times(c.cpuPerMessageRatio),
          times(c.presenceCpuRatio),
        ]),
      ),
    );
  }
  lines.push(...runs.flatMap(hotCaveats));
  return lines.join('\n');
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;
}

function hotCaveats(r: HotThreadResult): string[] {
  const where = `${resultLabel(r)} @ ${count(r.readers)}`;
  const notes: string[] = [];
  const ackErrors = errorsText(r.writers.errors);
  if (ackErrors !== 'none') notes.push(`  ! ${where}: writes refused: ${ackErrors}`);
  if (Object.keys(r.writerDisconnects).length > 0) notes.push(`  ! ${where}: writers disconnected: ${errorsText(r.writerDisconnects)}`);
  const readerRefusals = Object.entries(r.ackErrors).map(([event, codes]) => `${event} ${errorsText(codes)}`);
  if (readerRefusals.length > 0) notes.push(`  ! ${where}: readers' requests refused or unanswered: ${readerRefusals.join('; ')}`);
  if (r.joinedReaders < r.readers) {
    const why = Object.entries(r.joinFailures).map(([stage, reasons]) => `${stage}: ${errorsText(reasons)}`);
    notes.push(`  ! ${where}: only ${count(r.joinedReaders)} readers joined (figures are over them): ${why.join('; ')}`);
  }
  if (r.receipts.disconnected > 0) notes.push(`  ! ${where}: ${count(r.receipts.disconnected)} readers were disconnected`);
  if (r.receipts.outOfOrder > 0) notes.push(`  ! ${where}: ${count(r.receipts.outOfOrder)} events repeated or out of order`);
  if (r.clientCpuPercent > 85) notes.push(`  ! ${where}: client core ${r.clientCpuPercent.toFixed(0)}% busy — latencies include client-side queueing`);
  const neighbours = Math.max(...(r.neighbourLoadPercent ?? [0]));
  if (neighbours > 10) notes.push(`  ! ${where}: other processes used up to ${neighbours.toFixed(0)}% of a core during the window — figures are contaminated`);
  if (r.serverCpuPercent > 90) notes.push(`  ! ${where}: server core saturated (${r.serverCpuPercent.toFixed(0)}%) — it could not keep up with the stream`);
  notes.push(`    ${where}: slowest delivery by quarter of the run: ${slowestByQuarter(r).join(' → ')} ms`);
  notes.push(
    `    ${where}: ${r.writers.comments} comments + ${r.writers.reactions} reactions, ${count(r.receipts.events)} events received, ` +
      `joins took ${r.connectSeconds.toFixed(1)} s, ack p50/p99: comment ${ms(r.writers.commentAckMs.p50)}/${ms(r.writers.commentAckMs.p99)} ms, ` +
      `reaction ${ms(r.writers.reactionAckMs.p50)}/${ms(r.writers.reactionAckMs.p99)} ms`,
  );
  const seconds = Math.max(r.measuredSeconds, 0.001);
  const kinds = Object.entries(r.perReaderPerSecond.byKind)
    .filter(([, traffic]) => traffic.messages > 0)
    .map(([kind, traffic]) => `${kind} ${traffic.messages.toFixed(2)} msgs ${traffic.bytes.toFixed(0)} B`);
  notes.push(
    `    ${where}: per reader per second: ${kinds.join(', ')}; sent ${r.perReaderPerSecond.sentMessages.toFixed(2)} msgs ${r.perReaderPerSecond.sentBytes.toFixed(0)} B; ` +
      `readers sent ${fixed(r.cadence.presenceSets / seconds, 0)} presence:set/s and ${fixed(r.cadence.heartbeats / seconds, 0)} heartbeats/s, ` +
      `${fixed(r.cadence.meanTypists, 0)} typing on average (${r.cadence.typingStarts} started, ${r.cadence.typingStops} stopped, ${r.cadence.typingMoves ?? 0} moved)`,
  );
  const answers = Object.entries(r.ackSizes)
    .map(([event, sizes]) => `${event} ${count(Math.round(sizes.bytes / Math.max(1, sizes.answers)))} B (largest ${count(sizes.largest)})`)
    .join(', ');
  notes.push(
    `    ${where}: client ${fixed(r.clientMicrosPerMessage, 1)} µs per received message (kernel ${fixed(r.clientKernelPercent, 0)} % of the core); ` +
      `answers to readers, mean size: ${answers || 'none'}`,
  );
  return notes;
}

/** A steady rise means a backlog (more stream than capacity); one high quarter means a stall. */
function slowestByQuarter(r: HotThreadResult): string[] {
  const quarters = [0, 0, 0, 0];
  const span = Math.max(...r.commentTimeline.map((c) => c.sentAtSeconds), 0.001);
  for (const comment of r.commentTimeline) {
    const quarter = Math.min(3, Math.floor((comment.sentAtSeconds / span) * 4));
    quarters[quarter] = Math.max(quarters[quarter] ?? 0, comment.slowestMs);
  }
  return quarters.map((slowest) => ms(slowest) ?? '—');
}

export function sustainedSection(result: SustainedPostsResult | null): string {
  if (!result) return '';
  const { overSockets: s, overSocketThreads: t, openLoop: o, inProcess: d, statements } = result;
  // `openLoop` is absent from results written before it existed.
  const runs = [s, ...(t ? [t] : []), ...(o ? [o] : []), d];
  const label = (run: SustainedRun): string =>
    run.offeredPerSecond !== undefined
      ? `socket.io, ${count(run.offeredPerSecond)}/s offered (open loop)`
      : run.threads === 0
        ? 'dispatch in-process'
        : run.threads === 1
          ? 'socket.io, 1 client thread'
          : `socket.io, ${run.threads} client threads`;
  const reference = referenceSustained();
  type Row = Pick<SustainedRun, 'perSecond' | 'latencyMs' | 'completed' | 'serverCpu' | 'errors'>;
  const goal = (run: Row): string =>
    run.perSecond >= 5000 && (run.latencyMs.p99 ?? Infinity) <= 50 ? 'met' : `${fixed((run.perSecond / 5000) * 100, 0)}% of 5,000/s`;
  const row = (name: string, run: Row, writesPerCommit: Cell, clientCpu: Cell): Cell[] => [
    name,
    fixed(run.perSecond, 0),
    ms(run.latencyMs.p50),
    ms(run.latencyMs.p99),
    ms(run.latencyMs.max),
    count(run.completed),
    fixed(run.serverCpu.percent, 0),
    fixed(run.serverCpu.kernelPercent, 0),
    fixed(run.serverCpu.microsPerOperation, 0),
    writesPerCommit,
    clientCpu,
    goal(run),
    errorsText(run.errors),
  ];
  const top = statements.byName
    .filter((entry) => entry.perPost >= 0.05)
    .slice(0, 12)
    .map((entry) => `${entry.name} ${fixed(entry.perPost, 2)}× ${fixed(entry.microsPerPost, 1)} µs`);
  return [
    `\n3. Sustained posts, SQLite WAL synchronous=FULL on a file, ${s.workers} writers as fast as acks return (goal: 5,000 acked/s at ack p99 ≤ 50 ms)`,
    table(
      ['path', 'acked posts/s', 'ack p50 ms', 'ack p99 ms', 'ack max ms', 'posts', 'srv CPU %', 'of it kernel %', 'CPU µs/post', 'writes/COMMIT', 'client CPU %', 'goal', 'errors'],
      [
        ...runs.map((run) => row(label(run), run, fixed(run.writesPerCommit, 1), run.clientCpuPercent === null ? null : fixed(run.clientCpuPercent, 0))),
        ...(reference
          ? [reference.overSockets, reference.inProcess].map((run, n) => row(`reference: ${n === 0 ? 'socket.io' : 'dispatch'} (${run.workers} writers)`, run, null, null))
          : []),
      ],
    ),
    "  CPU % is of the server's one core; time blocked in fsync is not CPU, so a run below 100% is waiting on the disk (or on the clients: client CPU % of the client core)",
    ...(o
      ? [
          `  open loop: posts sent on a schedule whatever the acks do, each ack timed from when it was due (no coordinated omission); ` +
            `the closed-loop rows' mean ack is their writers ÷ their rate by construction (${s.workers} ÷ 5,000/s = ${fixed((s.workers / 5000) * 1000, 0)} ms); ` +
            `the client sent at worst ${ms(o.maxSendLagMs ?? 0)} ms behind its schedule`,
        ]
      : []),
    `  writer stalls (groups held for the WAL checkpoint to catch up, DUR-1) and WAL syncs off the loop (DUR-10): ${runs
      .map((run) => `${label(run)} ${run.catchUps ?? 0} (${fixed(run.catchUpMs ?? 0, 0)} ms), ${run.walSyncsPerSecond == null ? 'synced in COMMIT' : `${fixed(run.walSyncsPerSecond, 0)} syncs/s`}`)
      .join('; ')}`,
    ...(reference ? [`  reference rows: results/reference-2core.json (${reference.startedAt}), the committed run this branch is compared with`] : []),
    `  statements per post (in-process, ${count(statements.posts)} posts counted): ${fixed(statements.perPost, 1)}, of them ${fixed(statements.controlPerPost, 2)} BEGIN/COMMIT/SAVEPOINT/RELEASE; ` +
      `${fixed(statements.writesPerCommit, 1)} writes per COMMIT`,
    `  by time (timed window, each statement's own µs per post): ${top.join(', ')}`,
    `  the disk alone (8 KiB write + fdatasync, same dir): ${fixed(result.diskBefore.syncsPerSecond, 0)}/s before, ` +
      `${fixed(result.diskAfter.syncsPerSecond, 0)}/s after (median ${ms(result.diskBefore.medianSyncMs)}/${ms(result.diskAfter.medianSyncMs)} ms)`,
  ].join('\n');
}

/** The committed reference run's sustained rows (an older shape: 20 writers, no thread or statement figures). */
function referenceSustained(): (Pick<SustainedPostsResult, 'overSockets' | 'inProcess'> & { startedAt: string }) | null {
  try {
    const reference = JSON.parse(readFileSync(fileURLToPath(new URL('../results/reference-2core.json', import.meta.url)), 'utf8')) as {
      startedAt: string;
      sustainedPosts: Pick<SustainedPostsResult, 'overSockets' | 'inProcess'> | null;
    };
    return reference.sustainedPosts ? { ...reference.sustainedPosts, startedAt: reference.startedAt } : null;
  } catch {
    return null;
  }
}

export function joinSection(result: JoinCostResult | null): string {
  if (!result) return '';
  return [
    `\n4. Joining a ${count(result.threadComments)}-comment thread (seeded in ${result.seedSeconds.toFixed(1)} s), ${result.samples} fresh clients one at a time`,
    table(
      ['measure', 'median', 'p90'],
      [
        ['thread:join ack, ms (connected)', ms(result.joinMsMedian), ms(result.joinMsP90)],
        ['connect + join, ms', ms(result.connectAndJoinMsMedian), ms(result.connectAndJoinMsP90)],
      ],
    ),
    `  join ack: ${count(result.ackJsonBytes)} B as JSON, ${count(result.ackPacketBytes)} B engine.io packet, ${result.commentsInAck} comments in the first page`,
  ].join('\n');
}

export function stormSection(result: JoinStormResult | null): string {
  if (!result) return '';
  const neighbours = result.neighbourLoadPercent ? result.neighbourLoadPercent.map((p) => p.toFixed(0)).join('/') : '—';
  const lines = [
    `\n6. Join storm: ${count(result.readers)} signed-in readers arriving within ${result.windowSeconds} s at a ${count(result.threadComments)}-comment thread`,
    table(
      ['measure', 'p50', 'p90', 'p99 (goal ≤ 1 s)', 'max'],
      [
        ['thread:join ack, ms (connected)', ms(result.joinMs.p50), ms(result.joinMs.p90), ms(result.joinMs.p99), ms(result.joinMs.max)],
        ['connect + join, ms', ms(result.connectAndJoinMs.p50), ms(result.connectAndJoinMs.p90), ms(result.connectAndJoinMs.p99), ms(result.connectAndJoinMs.max)],
      ],
    ),
    `  ${count(result.joined)} joined (arrivals over ${result.spreadSeconds.toFixed(1)} s), server ${result.serverCpuPercent.toFixed(0)} % of its core, others % ${neighbours}` +
      (result.joined < result.readers ? `; not joined: ${Object.entries(result.failures).map(([stage, reasons]) => `${stage}: ${errorsText(reasons)}`).join('; ')}` : ''),
  ];
  if (Math.max(...(result.neighbourLoadPercent ?? [0])) > 10) lines.push('  ! other processes used the cores during the storm — figures are contaminated');
  return lines.join('\n');
}

export function idleSection(result: IdleReadersResult | null): string {
  if (!result) return '';
  const parleyRow = result.memory.find((m) => m.server === 'parley');
  const baseRow = result.memory.find((m) => m.server === 'baseline');
  const lines = [
    `\n7. Idle readers: ${count(parleyRow?.readers ?? 0)} joined readers (signed in, presence off), server memory after a full GC`,
    table(
      ['server', 'joined', 'heap B/reader', 'RSS B/reader', 'heap before MiB', 'heap after MiB'],
      result.memory.map((m) => [m.server, count(m.joined), fixed(m.heapPerReader, 0), fixed(m.rssPerReader, 0), fixed(m.before.heapUsed / 2 ** 20, 1), fixed(m.after.heapUsed / 2 ** 20, 1)]),
    ),
  ];
  if (parleyRow && baseRow) {
    lines.push(
      `  Parley ÷ bare Socket.IO per idle reader: heap ${times(parleyRow.heapPerReader / baseRow.heapPerReader)}, RSS ${times(parleyRow.rssPerReader / baseRow.rssPerReader)} (goal ≤ 1.2×)`,
    );
  }
  const heartbeatLine = (title: string, hb: HeartbeatCost): void => {
    const neighbours = hb.neighbourLoadPercent ? hb.neighbourLoadPercent.map((p) => p.toFixed(0)).join('/') : '—';
    lines.push(
      `  ${title}: ${fixed(hb.beatsPerSecond, 0)}/s cost ${fixed(hb.cpuPercent - hb.idleCpuPercent, 1)} % of a core ` +
        `(goal ≤ 10 %; ${fixed(hb.cpuPercent, 1)} % with them, ${fixed(hb.idleCpuPercent, 1)} % without), ${fixed(hb.microsPerBeat, 0)} µs per beat, ` +
        `${hb.refused} refused, others % ${neighbours}`,
    );
    if (Math.max(...(hb.neighbourLoadPercent ?? [0])) > 10) lines.push('  ! other processes used the cores during the heartbeat window — figures are contaminated');
  };
  const hb = result.heartbeats;
  if (hb) heartbeatLine(`heartbeats of ${count(hb.readers)} reading readers, steady (one ${hb.seconds ?? 60} s flush cycle)`, hb);
  if (result.firstCreditHeartbeats) heartbeatLine('  the lap in which all of them earn their first Twei at once', result.firstCreditHeartbeats);
  const floor = result.baselineHeartbeats;
  if (floor) {
    lines.push(
      `  the same heartbeats on bare Socket.IO (receive, an answer a minute): ${fixed(floor.cpuPercent - floor.idleCpuPercent, 1)} % of a core, ${fixed(floor.microsPerBeat, 0)} µs per beat` +
        (hb?.microsPerBeat && floor.microsPerBeat ? `; Parley adds ${fixed(hb.microsPerBeat - floor.microsPerBeat, 0)} µs (Parley ÷ Socket.IO ${times(hb.microsPerBeat / floor.microsPerBeat)})` : ''),
    );
  }
  // Every beat asking for its answer, as widgets before BEAT-17 did: the same run's "before".
  const old = result.everyBeatAnswered;
  if (old?.parley) heartbeatLine('  every beat answered (widgets before BEAT-17), Parley', old.parley);
  if (old?.baseline) heartbeatLine('  every beat answered, bare Socket.IO', old.baseline);
  return lines.join('\n');
}

export function grownSection(result: GrownDbResult | null): string {
  if (!result) return '';
  const g = result.grown;
  const rounds = result.roundRatios[0]?.ratios.length ?? 0;
  return [
    `\n8. A grown database: ${count(g.transfers)} transfers, ${count(g.comments)} comments, ${count(g.reactions)} likes, ${count(g.accounts)} accounts ` +
      `(bulk-inserted in ${g.seconds.toFixed(1)} s) against a fresh one; each action through dispatch by readers new to the thread, ${rounds} rounds in turns`,
    table(
      ['action', 'fresh CPU µs', 'grown CPU µs', 'grown ÷ fresh (goal ≤ 1.2)', 'rounds ÷ (min–max)', 'fresh pages', 'grown pages', 'fresh wall ms', 'grown wall ms'],
      result.onGrown.map((cost) => {
        const fresh = result.fresh.find((f) => f.action === cost.action);
        const ratios = result.roundRatios.find((r) => r.action === cost.action)?.ratios ?? [];
        return [
          cost.action,
          fixed(fresh?.cpuMicrosPerAction ?? null, 0),
          fixed(cost.cpuMicrosPerAction, 0),
          times(fresh ? cost.cpuMicrosPerAction / fresh.cpuMicrosPerAction : null),
          ratios.length > 0 ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '—',
          fixed(fresh?.pagesPerAction ?? null, 1),
          fixed(cost.pagesPerAction ?? null, 1),
          ms(fresh?.wallMsMedian ?? null),
          ms(cost.wallMsMedian),
        ];
      }),
    ),
    '  CPU µs: the server process per action, the mean of the rounds (median wall includes the fsync of its commit); the shared machine adds noise to both columns alike.',
    "  pages: WAL frames each action's COMMIT wrote (the distinct pages it dirtied), counted in an untimed pass of 50 — no neighbour's load moves them",
  ].join('\n');
}

export function widgetSection(result: WidgetSizeResult | null): string {
  if (!result) return '';
  if (!result.built) return `\n5. Widget bundle: not built (${result.path} is missing; run \`pnpm build\`)`;
  const lines = [
    `\n5. Widget bundle ${result.path}`,
    `  parley.js: ${kib(result.entry.rawBytes)} raw, ${kib(result.entry.gzipBytes)} gzip -9`,
  ];
  for (const chunk of result.otherChunks) lines.push(`  lazy chunk ${chunk.file}: ${kib(chunk.rawBytes)} raw, ${kib(chunk.gzipBytes)} gzip -9`);
  return lines.join('\n');
}

export function failuresSection(results: BenchResults): string {
  if (results.failures.length === 0) return '';
  return ['\nFAILED scenarios (figures above are incomplete):', ...results.failures.map((f) => `  ${f.scenario}: ${f.error}`)].join('\n');
}
