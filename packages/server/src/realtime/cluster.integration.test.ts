/**
 * Presence and notes across two server nodes joined by an in-process cluster adapter and sharing
 * one SQLite file (steps run one after another: SQLite serialises writers, and two connections in
 * one process must not hold write locks at once). Nothing here may depend on which node a reader
 * is connected to.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JoinResult } from '@parley/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, identity, okData, rid, startTestServer, type ClientSocket, type TestServer } from '../test-helpers.js';
import type { PresenceTiming } from '../config.js';
import { inProcessCluster } from './in-process-cluster.js';
import { notesClient, presenceClient } from './test-clients.js';

const THREAD = 'news/cluster';

async function twoNodes(presence: PresenceTiming = { countEveryMs: 20, refreshMs: 200 }): Promise<[TestServer, TestServer]> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  const adapter = inProcessCluster();
  const dbPath = join(dir, 'parley.db');
  // Registered before the servers' own teardown: onTestFinished runs last-registered first, so this
  // runs once both are closed (registered after them, it raced their last writes: ENOTEMPTY).
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const a = await startTestServer({ dbPath, adapter, presence });
  const b = await startTestServer({ dbPath, adapter, presence });
  // Heartbeats tell each node the other exists; fetchSockets() waits for every known node.
  await until(async () => (await a.io.of('/').adapter.serverCount()) === 2 && (await b.io.of('/').adapter.serverCount()) === 2);
  return [a, b];
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met within 5 s');
}

async function joined(server: TestServer, sub: string): Promise<ClientSocket> {
  const socket = await server.connect(await server.token(sub, { name: sub, lvl: 20 }));
  okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
  return socket;
}

describe('presence and notes across two nodes (integration, in-process cluster adapter)', () => {
  it('[PRES-6][PRES-4] readers on different nodes see each other; a newcomer learns everyone within a refresh; a disconnect is seen everywhere', async () => {
    const [a, b] = await twoNodes();
    const ann = presenceClient(await joined(a, 'ann'), THREAD);
    const bob = presenceClient(await joined(b, 'bob'), THREAD);
    okData(await ann.announce({ parentId: null }));
    okData(await bob.announce(null));
    await bob.until((view) => view.readers === 2 && view.typists().some((t) => t.key === 'u:ann'));
    await ann.until((view) => view.readers === 2);

    // A newcomer's sync answers for its own node; the other node's full refresh fills in the rest.
    const cy = presenceClient(await joined(b, 'cy'), THREAD);
    okData(await cy.announce(null));
    await cy.sync();
    await cy.until((view) => view.readers === 3 && view.typists().length === 1);

    ann.socket.disconnect();
    await bob.until((view) => view.readers === 2 && view.typists().length === 0);
  });

  it('[PRES-9][CLUSTER-19] on a cluster a node\'s due presence rides on its own thread:events, and reaches the other node\'s readers as presence:state', async () => {
    // No presence tick within the test: whatever presence arrives rode, or was relayed from a ride.
    const [a, b] = await twoNodes({ tickMs: 600_000, countEveryMs: 20, refreshMs: 600_000 });
    const ann = presenceClient(await joined(a, 'ann'), THREAD, true);
    const bob = presenceClient(await joined(b, 'bob'), THREAD, true);
    okData(await ann.announce(null));
    okData(await bob.announce({ parentId: null }));
    await ann.sync();
    await bob.sync();
    expect([ann.ridden, bob.ridden, ann.messages, bob.messages].map((list) => list.length)).toEqual([0, 0, 0, 0]);

    // A comment on node A: each node's outbox sends it to its own readers, each with its node's change riding.
    okData(await a.dispatch(identity('poster'), 'comment:post', { requestId: rid(), thread: THREAD, body: 'carried on both nodes' }));
    await ann.until((view) => view.readers === 2 && view.typists().some((t) => t.key === 'u:bob'));
    await bob.until((view) => view.readers === 2);
    // Each reader's own node rode; the other node's change came as presence:state (the relay).
    expect(ann.ridden).toHaveLength(1);
    expect(bob.ridden).toHaveLength(1);
    expect(ann.ridden[0]!.node).not.toBe(bob.ridden[0]!.node);
    expect(ann.messages.map((m) => m.node)).toEqual([bob.ridden[0]!.node]);
    expect(bob.messages.map((m) => m.node)).toEqual([ann.ridden[0]!.node]);
  });

  it('[NOTES-7] notes written on one node reach readers on the other live and by sync from the shared store', async () => {
    const [a, b] = await twoNodes();
    const ann = await notesClient(await joined(a, 'ann'), THREAD);
    const bob = await notesClient(await joined(b, 'bob'), THREAD);
    await ann.sync();
    await bob.sync();
    okData(await ann.edit((text) => text.insert(0, 'Written on node A.')));
    await bob.relayCount(1);
    expect(bob.text.toString()).toBe('Written on node A.');
    okData(await bob.edit((text) => text.insert(bob.text.length, ' Then on node B.')));
    await ann.relayCount(1);
    expect(ann.text.toString()).toBe('Written on node A. Then on node B.');

    const cy = await notesClient(await joined(a, 'cy'), THREAD);
    await cy.sync();
    expect(cy.text.toString()).toBe('Written on node A. Then on node B.');
  });
});
