import type { ThreadEvent } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { remoteThreadEvents, ThreadEventRelay } from './thread-stream.js';

const reacted = (thread: string, seq: number): ThreadEvent => ({
  type: 'comment.reacted', thread, seq, at: 0, commentId: 'c1', likes: seq, dislikes: 0, userId: `u${seq}`, value: 'like',
});

describe('ThreadEventRelay', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('[CLUSTER-19] hands a turn\'s committed events to the other nodes once per site, at the end of the turn, in commit order', () => {
    const published: [string, number[]][] = [];
    const relay = new ThreadEventRelay((site, events) => published.push([site, events.map((event) => event.seq)]));
    relay.add('a', [reacted('t', 1)]);
    relay.add('b', [reacted('t', 7)]);
    relay.add('a', [reacted('u', 1), reacted('t', 2)]);
    relay.add('a', []);
    expect(published).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(published).toEqual([['a', [1, 1, 2]], ['b', [7]]]);
    // Nothing more was committed: nothing more is sent; a close hands over what the turn still holds.
    vi.advanceTimersByTime(0);
    relay.add('a', [reacted('t', 3)]);
    relay.flush();
    expect(published).toEqual([['a', [1, 1, 2]], ['b', [7]], ['a', [3]]]);
  });

  it('[CLUSTER-19] another node\'s message reaches the outbox only when every event names a thread, a type and a whole seq', () => {
    expect(remoteThreadEvents([reacted('t', 1), reacted('u', 2)])).toBe(true);
    for (const bad of [null, 'x', [], [null], [{ thread: 't', type: 'comment.reacted' }], [{ thread: 't', type: 'x', seq: 1.5 }], [reacted('t', 1), { seq: 2 }]]) {
      expect(remoteThreadEvents(bad)).toBe(false);
    }
  });
});
