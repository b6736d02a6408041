import type { ThreadEvent } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThreadEventOutbox } from './event-outbox.js';

const reacted = (thread: string, seq: number): ThreadEvent => ({
  type: 'comment.reacted', thread, seq, at: 0, commentId: 'c1', likes: seq, dislikes: 0, userId: `u${seq}`, value: 'like',
});
const voted = (thread: string, seq: number): ThreadEvent => ({
  type: 'post.voted', thread, seq, at: 0, plus: seq, minus: 0, userId: `u${seq}`, value: 'plus',
});
const edited = (thread: string, seq: number): ThreadEvent => ({
  type: 'comment.edited', thread, seq, at: 0, commentId: 'c1', body: 'b', editedAt: 0,
});

/** The end of the current event-loop turn, where "at once" events leave. */
const endOfTurn = (): void => void vi.advanceTimersByTime(0);

describe('ThreadEventOutbox', () => {
  let sent: { thread: string; seqs: number[] }[];
  // The outbox hands over thread keys (`<site>:<id>`); these tests compare the public ids.
  const send = (key: string, events: ThreadEvent[]): void => void sent.push({ thread: key.slice('s:'.length), seqs: events.map((e) => e.seq) });

  beforeEach(() => {
    sent = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('[COAL-1] reactions and votes of one tick leave as one message per thread, every seq kept', () => {
    const outbox = new ThreadEventOutbox(send, 100);
    for (let seq = 1; seq <= 20; seq++) outbox.queue('s', [seq % 2 ? reacted('t', seq) : voted('t', seq)]);
    outbox.queue('s', [reacted('u', 1)]);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([
      { thread: 't', seqs: Array.from({ length: 20 }, (_, i) => i + 1) },
      { thread: 'u', seqs: [1] },
    ]);
  });

  it('[COAL-2] any other event takes the waiting ones with it, ahead of it, and goes at the end of the turn', () => {
    const outbox = new ThreadEventOutbox(send, 100);
    outbox.queue('s', [reacted('t', 1)]);
    outbox.queue('s', [reacted('u', 1)]);
    outbox.queue('s', [edited('t', 2)]);
    endOfTurn();
    expect(sent).toEqual([{ thread: 't', seqs: [1, 2] }]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([{ thread: 't', seqs: [1, 2] }, { thread: 'u', seqs: [1] }]);
  });

  it('[CLUSTER-19] another node\'s events queued beside this node\'s: one message in seq order, paced as one node paces its own', () => {
    const outbox = new ThreadEventOutbox(send, 100, () => 500);
    // Seq 2 is this node's reaction, 3 another node's (handed over at once), 4 this node's comment.
    outbox.queue('s', [reacted('t', 2)]);
    outbox.queue('s', [reacted('t', 3)]);
    endOfTurn();
    expect(sent).toEqual([]);
    outbox.queue('s', [edited('t', 4)]);
    endOfTurn();
    expect(sent).toEqual([{ thread: 't', seqs: [2, 3, 4] }]);
  });

  it('[CLUSTER-17] an event that arrives after a later seq of its thread left goes at the end of the turn, not after the wait', () => {
    const outbox = new ThreadEventOutbox(send, 100, () => 500);
    // Another node's comment, seq 260, left to this node's readers before its reaction 259 (a Redis hop late) arrived.
    outbox.queue('s', [edited('t', 260)]);
    endOfTurn();
    outbox.queue('s', [reacted('t', 259)]);
    endOfTurn();
    expect(sent).toEqual([{ thread: 't', seqs: [260] }, { thread: 't', seqs: [259] }]);
    // A later reaction makes no gap: it waits for the room as before.
    outbox.queue('s', [reacted('t', 261)]);
    endOfTurn();
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(500);
    expect(sent).toEqual([{ thread: 't', seqs: [260] }, { thread: 't', seqs: [259] }, { thread: 't', seqs: [261] }]);
    // Another thread sent nothing yet: its reactions wait.
    outbox.queue('s', [reacted('u', 1)]);
    endOfTurn();
    expect(sent).toHaveLength(3);
  });

  it('[COAL-3] a message is in seq order even when commands arrive a little out of order', () => {
    const outbox = new ThreadEventOutbox(send, 100);
    outbox.queue('s', [reacted('t', 2)]);
    outbox.queue('s', [reacted('t', 1)]);
    outbox.queue('s', [edited('t', 3)]);
    endOfTurn();
    expect(sent).toEqual([{ thread: 't', seqs: [1, 2, 3] }]);
  });

  it('[COAL-9] a comment whose command resumed before an earlier reaction\'s (one group commit) still goes after it', () => {
    const outbox = new ThreadEventOutbox(send, 100);
    outbox.queue('s', [edited('t', 6)]);
    outbox.queue('s', [reacted('t', 5)]);
    endOfTurn();
    expect(sent).toEqual([{ thread: 't', seqs: [5, 6] }]);
  });

  it('[COAL-4] tick 0 waits for no tick: every event leaves at the end of its turn', () => {
    const outbox = new ThreadEventOutbox(send, 0);
    outbox.queue('s', [reacted('t', 1)]);
    outbox.queue('s', [voted('t', 2)]);
    endOfTurn();
    outbox.queue('s', [voted('t', 3)]);
    endOfTurn();
    expect(sent).toEqual([{ thread: 't', seqs: [1, 2] }, { thread: 't', seqs: [3] }]);
  });

  it('[COAL-5] close sends what waits, and later events go at once', () => {
    const outbox = new ThreadEventOutbox(send, 100);
    outbox.queue('s', [reacted('t', 1)]);
    outbox.close();
    expect(sent).toEqual([{ thread: 't', seqs: [1] }]);
    outbox.queue('s', [reacted('t', 2)]);
    expect(sent).toEqual([{ thread: 't', seqs: [1] }, { thread: 't', seqs: [2] }]);
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(2);
  });

  it('[PERF-5] a big room’s reactions wait longer than a small room’s, and an urgent event still takes them at once', () => {
    const outbox = new ThreadEventOutbox(send, 100, (key) => (key === 's:big' ? 1000 : 100));
    outbox.queue('s', [reacted('big', 1)]);
    outbox.queue('s', [reacted('small', 1)]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([{ thread: 'small', seqs: [1] }]);
    outbox.queue('s', [reacted('big', 2)]);
    vi.advanceTimersByTime(800);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([{ thread: 'small', seqs: [1] }, { thread: 'big', seqs: [1, 2] }]);
    outbox.queue('s', [reacted('big', 3)]);
    outbox.queue('s', [edited('big', 4)]);
    endOfTurn();
    expect(sent.at(-1)).toEqual({ thread: 'big', seqs: [3, 4] });
    vi.advanceTimersByTime(2000);
    expect(sent).toHaveLength(3);
  });
});
