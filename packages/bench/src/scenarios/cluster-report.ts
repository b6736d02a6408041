/**
 * The cluster scenario's figures (scenarios/cluster.ts): what a step, a failover and a run report,
 * the projection from one node and two, and the report's section.
 */

/** Issue 10's goal for a reader's comment delivery at the realistic mix. */
export const targetP99Ms = 250;

export interface ClusterStep {
  nodes: number;
  readers: number;
  joined: number;
  /**
   * Per node, the WebSocket frames a reader of it received a second in the window, by kind (thread,
   * presence, economy, join, other): what a node's CPU per reader is spent on. Absent from results
   * written before 2026-12-04.
   */
  framesPerReaderSecond?: Record<string, number>[];
  p50Ms: number | null;
  p99Ms: number | null;
  /** Share of comments × joined readers that arrived. */
  delivered: number;
  /**
   * Seqs some reader never received (summed over readers): holes still open when every reader had
   * everything or the drain (`--drain-seconds`) ended. An event that came after a later one (another
   * node's, W-S11) fills its hole: late, not lost (the widget reorders it).
   */
  lost: number;
  /**
   * Seqs still on their way at the moment every reader had received the final seq: what `lost`
   * counted before it waited for the holes to fill (readers × the other node's events held back by
   * its reaction wait, PERF-5). Not a loss: printed to show the drain's work.
   */
  pendingAtFinal: number;
  /** Open holes at that moment, by seq: [seq, readers missing it], most-missed first. */
  pendingSeqs: [number, number][];
  /** Readers whose connection closed during the step (their missing seqs are in lost). */
  disconnected: number;
  /** Each node's share of its core over the window, %. */
  nodeCpuPercent: number[];
  /** Each node's CPU µs a second per reader it holds (its CPU ÷ its readers). */
  nodeCpuUsPerReaderSecond: number[];
  /** Each node's CPU µs per `thread:events` message its readers received in the window. */
  nodeCpuUsPerMessage: number[];
  clientCpuPercent: number;
  /** Writers' acknowledgements (the commit path), p50 / p99 ms. */
  commentAckMs: [number | null, number | null];
  reactionAckMs: [number | null, number | null];
  writerErrors: Record<string, number>;
  /** Events that reached a reader after a later one (another node's): late, counted apart from losses. */
  outOfOrder: number;
  /** Events a reader received twice. */
  repeated: number;
  /** Late events whose hole stayed open past the widget's 500 ms reorder grace (W-S11): a widget rejoins on each. */
  lateBeyondGrace: number;
  /** The longest a reader's hole stayed open before it filled, ms. */
  longestHoleMs: number;
  /** The step's final seq (the highest any writer's ack reported). */
  finalSeq: number;
  /**
   * The nodes' PostgreSQL write transactions over the window, summed: committed or given up, runs
   * again after a serialization failure or deadlock (ST-21), runs in the losers' turn (one at a
   * time, first runs go on) and runs that took the write gate alone (every other writer of the
   * cluster waits for those). Absent from older results; `losers` from 2026-12-03.
   */
  store?: { transactions: number; retries: number; losers?: number; alone: number };
}

export interface ClusterFailover {
  readers: number;
  /** Readers the dead node held, all of which must come back on the survivor. */
  orphans: number;
  rejoined: number;
  /** From the SIGKILL until the last orphan was joined on the survivor and caught up, ms. */
  failoverMs: number | null;
  /** Comments the writers had acknowledged before the kill: each must reach the orphans again. */
  seqAtKill: number;
  writerErrors: Record<string, number>;
}

export interface ClusterResult {
  steps: ClusterStep[];
  /** Largest step within the target, per node: [one node, two nodes]. */
  readersPerNode: [number | null, number | null];
  /** Two nodes' total readers at the target ÷ one node's. */
  scaling: number | null;
  failover: ClusterFailover | null;
  /**
   * PROJECTED, not measured: what the cluster's cross-node traffic adds to a node's CPU, from one
   * node and two at the same readers per node, and the readers per node at the target that follow
   * if each node had a core of its own and a node's latency were bound by its own CPU.
   */
  projected: ClusterProjection | null;
  notes: string[];
}

export interface ClusterProjection {
  /** The readers per node both sides were measured at (the largest step both ran). */
  atReadersPerNode: number;
  /** A node's CPU per reader in two nodes ÷ in one (mean over the two nodes). */
  cpuPerReaderRatio: number;
  cpuPerMessageRatio: number;
  /** One node's readers at the target ÷ cpuPerReaderRatio. */
  readersPerNode: number;
  /** Two nodes' projected readers ÷ one node's measured: 2 ÷ cpuPerReaderRatio. */
  scaling: number;
}

/** [CLUSTER] The projection of ClusterResult.projected, from steps of one node and of two. */
export function projectCluster(steps: ClusterStep[], oneAtTarget: number | null): ClusterProjection | null {
  const ones = new Map(steps.filter((s) => s.nodes === 1).map((s) => [s.readers, s]));
  const pairs = steps.filter((s) => s.nodes === 2 && ones.has(s.readers / 2)).map((two) => [ones.get(two.readers / 2)!, two] as const);
  const pair = pairs.sort((a, b) => b[0].readers - a[0].readers)[0];
  if (!pair || oneAtTarget === null) return null;
  const [one, two] = pair;
  const mean = (values: number[]): number => values.reduce((x, y) => x + y, 0) / values.length;
  const cpuPerReaderRatio = mean(two.nodeCpuUsPerReaderSecond) / one.nodeCpuUsPerReaderSecond[0]!;
  const cpuPerMessageRatio = mean(two.nodeCpuUsPerMessage) / one.nodeCpuUsPerMessage[0]!;
  if (!Number.isFinite(cpuPerReaderRatio) || cpuPerReaderRatio <= 0) return null;
  return { atReadersPerNode: one.readers, cpuPerReaderRatio, cpuPerMessageRatio, readersPerNode: oneAtTarget / cpuPerReaderRatio, scaling: 2 / cpuPerReaderRatio };
}

/** The report's section. */
export function clusterSection(result: ClusterResult | null): string | null {
  if (!result) return null;
  const lines = [
    `\nCluster (PostgreSQL + Redis), widget-like readers, target p99 ≤ ${targetP99Ms} ms with nothing lost:`,
    '  nodes  readers  joined   p50 ms   p99 ms  delivered  lost    late   held  ack p99 ms  node CPU %      client %  µs/rdr/s      µs/msg',
  ];
  for (const s of result.steps) {
    const each = (values: number[] | undefined, digits: number): string => (values ?? []).map((v) => v.toFixed(digits)).join(' + ');
    lines.push(
      `  ${String(s.nodes).padStart(5)}  ${String(s.readers).padStart(7)}  ${String(s.joined).padStart(6)}  ${(s.p50Ms?.toFixed(0) ?? '—').padStart(7)}  ${(s.p99Ms?.toFixed(0) ?? '—').padStart(7)}` +
        `  ${(s.delivered * 100).toFixed(1).padStart(8)} %  ${String(s.lost).padStart(4)}  ${String(s.outOfOrder).padStart(6)}  ${String(s.pendingAtFinal ?? 0).padStart(5)}  ${(s.commentAckMs[1]?.toFixed(0) ?? '—').padStart(10)}  ${s.nodeCpuPercent.map((p) => p.toFixed(0)).join(' + ').padEnd(14)}  ${s.clientCpuPercent.toFixed(0).padStart(7)}` +
        `  ${each(s.nodeCpuUsPerReaderSecond, 1).padEnd(12)}  ${each(s.nodeCpuUsPerMessage, 1)}`,
    );
  }
  for (const s of result.steps) {
    if (s.store) lines.push(`  ${s.nodes} node(s), ${s.readers} readers: ${s.store.transactions} write transactions, ${s.store.retries} re-run (serialization failures, deadlocks), ${s.store.losers ?? '—'} in the losers' turn, ${s.store.alone} run alone (the write gate)`);
  }
  lines.push('  lost: seqs a reader never received once the drain ended (late ones fill their holes); held: seqs still on their way when every reader had the final one (another node\'s held reactions, PERF-5), not lost');
  const [one, two] = result.readersPerNode;
  lines.push(`  readers per node at the target: one node ${one ?? '—'}, two nodes ${two ?? '—'} each; two ÷ one: ${result.scaling?.toFixed(2) ?? '—'}× (goal ≥ 1.8×)`);
  const p = result.projected;
  if (p)
    lines.push(
      `  each node's CPU at ${p.atReadersPerNode} readers a node, two nodes ÷ one: ${p.cpuPerReaderRatio.toFixed(2)}× per reader, ${p.cpuPerMessageRatio.toFixed(2)}× per message delivered` +
        `\n  PROJECTED (not measured: each node on a core of its own, latency bound by the node's CPU): ${p.readersPerNode.toFixed(0)} readers per node at the target, two ÷ one ${p.scaling.toFixed(2)}× (goal ≥ 1.8×)`,
    );
  const f = result.failover;
  if (f) lines.push(`  failover after SIGKILL: ${f.orphans} readers of the dead node joined on the other and caught up in ${f.failoverMs === null ? '— (not all came back)' : `${(f.failoverMs / 1000).toFixed(2)} s`} (${f.rejoined}/${f.orphans} back)`);
  for (const note of result.notes) lines.push(`  ! ${note}`);
  return lines.join('\n');
}
