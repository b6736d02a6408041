import { describe, expect, it } from 'vitest';
import { ThreadStore } from './thread-store.js';
import { memoryStorage } from './pending-mutations.js';
import { FakeConnection } from './testing/fake-connection.js';
import { THREAD, bella, comment, omar, snapshot } from './testing/fixtures.js';
import { ERASED_AUTHOR_NAME } from './display.js';

describe('an erased author', () => {
  it('[RIGHTS-4] a comment.deleted with `author` drops the name and avatar from the tombstone and from the replies’ @name', () => {
    const connection = new FakeConnection();
    const store = new ThreadStore(connection, { thread: THREAD, gapGraceMs: 0, storage: memoryStorage(), makeRequestId: () => 'r', now: () => 1_000 });
    connection.setStatus('connected');
    const withAvatar = { ...bella, avatar: 'https://cdn.example.com/bella.png' };
    connection.answer(
      'thread:join',
      snapshot([
        comment('a', { seq: 1, author: withAvatar, replyCount: 2 }),
        comment('r', { seq: 2, parentId: 'a', author: omar, replyToName: bella.name }),
        comment('s', { seq: 3, parentId: 'r', rootId: 'a', depth: 2, replyToId: 'a', author: omar, replyToName: bella.name }),
      ]),
    );
    connection.deliver({ type: 'comment.deleted', thread: THREAD, seq: 4, at: 2_000, commentId: 'a', deletedAt: 2_000, author: { ...bella, name: '', avatar: null } });
    const [group] = store.groups();
    expect(group?.root).toMatchObject({ id: 'a', deleted: true, body: '', author: { name: ERASED_AUTHOR_NAME, avatar: null } });
    expect(JSON.stringify(store.groups())).not.toContain('Bella Ciao');
    expect(JSON.stringify(store.groups())).not.toContain('bella.png');
    expect(group?.replies.map((r) => r.author.name)).toEqual([omar.name, omar.name]);
  });
});
