/**
 * The races of issue 11, through the real commands, on two "nodes" (two PostgresStores, two pools)
 * sharing one PostgreSQL schema: a retried request, reactions and votes of one reader from two tabs,
 * and the reading clock of two tabs — each run at the same time on both nodes, several rounds.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { testDatabase } from './test-database.js';
import { createCommandContext, type CommandContext } from '../../commands/context.js';
import { postComment } from '../../commands/post-comment.js';
import { reactComment } from '../../commands/react-comment.js';
import { applyThreadSpec } from '../../commands/threads.js';
import { votePost } from '../../commands/vote-post.js';
import type { Identity } from '../../domain/identity.js';
import { publishThread } from '../../economy/publish-thread.js';
import { readHeartbeat } from '../../economy/read-heartbeat.js';
import { defaultEconomyRules, EconomyDirectory } from '../../economy/rules.js';
import { writeScope } from '../write-scope.js';
import { PostgresStore } from './postgres-store.js';

const { url: runUrl } = testDatabase('parley_cmd');

const who = (id: string, role: Identity['role'] = 'reader'): Identity => ({ id, name: id.toUpperCase(), avatar: null, level: 13, role });
const staff = who('staff', 'admin');
let schemas = 0;
let requests = 0;
const rid = () => `r${++requests}`;

/** Two nodes on one fresh schema, sharing a fake clock. */
async function twoNodes(): Promise<{ a: CommandContext; b: CommandContext; advance: (ms: number) => void }> {
  const schema = `c${++schemas}`;
  const stores = [await PostgresStore.open({ url: runUrl, schema, poolSize: 3 }), await PostgresStore.open({ url: runUrl, schema, poolSize: 3 })];
  onTestFinished(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });
  let clock = 1_700_000_000_000;
  const economy = new EconomyDirectory({ ...defaultEconomyRules, heartbeatMs: 1000, readMsPerTwei: 1000, readCapPerPost: 50 });
  const [a, b] = stores.map((store) => createCommandContext(store, { now: () => clock, economy })) as [CommandContext, CommandContext];
  const site = a.sites.only;
  if (!site) throw new Error('one site expected');
  await a.store.write((tx) => applyThreadSpec(a, tx, site, { id: 't' }, 'admin', clock));
  return { a, b, advance: (ms) => void (clock += ms) };
}

async function expectLedgerAddsUp(ctx: CommandContext): Promise<void> {
  const balances = await ctx.store.read((tx) => tx.ledger.allBalances());
  let sum = 0;
  for (const [account, balance] of balances) {
    if (account.startsWith('r:')) expect(balance).toBeGreaterThanOrEqual(0);
    sum += balance;
  }
  expect(sum).toBe(0);
}

describe('commands on two nodes sharing PostgreSQL', () => {
  it('[ST-22] a request retried on the other node at the same time gets the first result; one comment each', async () => {
    const { a, b } = await twoNodes();
    const ann = who('ann');
    for (let round = 0; round < 5; round++) {
      const input = { requestId: rid(), thread: 't', body: `hello ${round}` };
      const [first, second] = await Promise.all([postComment(a, ann, input), postComment(b, ann, input)]);
      expect(second.result).toEqual(first.result);
    }
    const thread = await a.store.read((tx) => tx.getThread('default:t'));
    expect(thread).toMatchObject({ seq: 5, commentCount: 5 });
    await expectLedgerAddsUp(a);
  });

  it('[ST-23] likes and votes of one reader from two tabs on two nodes count once; two readers count twice', async () => {
    const { a, b } = await twoNodes();
    const { result } = await postComment(a, who('ann'), { requestId: rid(), thread: 't', body: 'like me' });
    const commentId = result.comment.id;
    for (const reader of ['bob', 'cat', 'dan']) {
      await Promise.all([a, b].map((ctx) => reactComment(ctx, who(reader), { requestId: rid(), thread: 't', commentId, value: 'like' })));
    }
    await Promise.all([
      reactComment(a, who('eve'), { requestId: rid(), thread: 't', commentId, value: 'like' }),
      reactComment(b, who('fay'), { requestId: rid(), thread: 't', commentId, value: 'like' }),
    ]);
    expect(await a.store.read((tx) => tx.getComment('default:t', commentId))).toMatchObject({ likes: 5, dislikes: 0 });
    for (const reader of ['bob', 'cat']) {
      await Promise.all([a, b].map((ctx) => votePost(ctx, who(reader), { requestId: rid(), thread: 't', value: 'plus' })));
    }
    expect(await a.store.read((tx) => tx.getThread('default:t'))).toMatchObject({ plus: 2, minus: 0 });
    const events = await a.store.read((tx) => tx.listEvents('default:t', 0, 100));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    await expectLedgerAddsUp(a);
  });

  it('[ST-25] two tabs beating on two nodes at the same instant are credited once', async () => {
    const { a, b, advance } = await twoNodes();
    await publishThread(a, staff, { requestId: rid(), thread: 't' });
    const ann = who('ann');
    await readHeartbeat(a, ann, { thread: 't' });
    for (let beat = 0; beat < 5; beat++) {
      advance(1000);
      await Promise.all([readHeartbeat(a, ann, { thread: 't' }), readHeartbeat(b, ann, { thread: 't' })]);
    }
    const last = await readHeartbeat(a, ann, { thread: 't' });
    // Five seconds of real time, whatever the number of tabs and nodes.
    expect(last.result).toMatchObject({ readMs: 5000, readEarned: 5 });
    await expectLedgerAddsUp(a);
  });

  it('[CLUSTER-12] writers of one thread on two nodes take turns before they begin: all commit, none re-runs, seqs stay gapless', async () => {
    const { a, b } = await twoNodes();
    const stores = [a.store, b.store] as PostgresStore[];
    const before = stores.map((s) => ({ ...s.stats }));
    // Eight writers per node at once, posting and liking, each in the thread's turn as the dispatcher sets it.
    const { result } = await postComment(a, who('ann'), { requestId: rid(), thread: 't', body: 'like me' });
    const writes = [a, b].flatMap((ctx, n) =>
      Array.from({ length: 8 }, (_, i) =>
        writeScope.run({ turnKey: 'default:t' }, () =>
          i % 2
            ? reactComment(ctx, who(`r${n}-${i}`), { requestId: rid(), thread: 't', commentId: result.comment.id, value: 'like' })
            : postComment(ctx, who(`w${n}-${i}`), { requestId: rid(), thread: 't', body: `post ${n}-${i}` }),
        ),
      ),
    );
    await Promise.all(writes);
    const after = stores.map((s) => s.stats);
    // Each in its thread's turn, [HOT-4] in batches of the node's waiting writes (a turn a batch).
    expect(after.map((s, n) => s.batchedWrites - before[n]!.batchedWrites)).toEqual([8, 8]);
    expect(after.map((s, n) => s.turns - before[n]!.turns)).toEqual(after.map((s, n) => s.batches - before[n]!.batches));
    // Every write of the thread queued behind the one before it: nothing collided, so nothing re-ran.
    expect(after.map((s, n) => s.retries - before[n]!.retries)).toEqual([0, 0]);
    const events = await a.store.read((tx) => tx.listEvents('default:t', 0, 100));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    await expectLedgerAddsUp(a);
  });
});
