import { describe, expect, it } from 'vitest';
import { ThreadState } from './thread-state.js';
import { bella, comment, created, snapshot } from './testing/fixtures.js';

describe('held comments and restrictions in the thread state', () => {
  it('[PREMOD-4] [PREMOD-5] the author sees their held comment uncounted; its approval turns that copy into the published comment', () => {
    const state = new ThreadState('top');
    const mine = comment('h1', { seq: 0, author: bella, status: 'held', body: 'Awaiting' });
    const joined = snapshot([comment('a', { seq: 1 })]);
    if (joined.mode !== 'snapshot') throw new Error('a snapshot');
    state.applyJoin({ ...joined, own: [mine] });
    expect(state.comments.get('h1')?.status).toBe('held');
    expect(state.threadView?.commentCount).toBe(1);
    state.applyEvent(created(2, comment('h1', { seq: 2, author: bella, body: 'Awaiting' })));
    expect(state.comments.get('h1')).toMatchObject({ seq: 2, body: 'Awaiting' });
    expect(state.comments.get('h1')?.status).toBeUndefined();
    expect(state.threadView?.commentCount).toBe(2);
  });

  it('[BAN-4] a viewer:update with a restriction sets it; one without the field (a level change) keeps it; null lifts it', () => {
    const state = new ThreadState('top');
    state.applyJoin(snapshot([]));
    const session = { user: bella, role: 'reader' as const, level: 13, expiresAt: null };
    const restriction = { kind: 'ban' as const, until: null, reason: null, message: 'You are banned from commenting on this site.' };
    state.applySession({ ...session, restriction });
    expect(state.viewer?.restriction).toEqual(restriction);
    state.applySession({ ...session, level: 14 });
    expect(state.viewer?.restriction).toEqual(restriction);
    state.applySession({ ...session, restriction: null });
    expect(state.viewer?.restriction).toBeNull();
  });
});
