/**
 * Formatting and permalinks over real sockets, on both stores (an in-memory SQLite database, and a
 * real PostgreSQL database of this file's own): the tree travels beside the body in every way a
 * comment reaches a reader, mentions resolve through the thread's author index, and a permalink
 * fetches what it needs whatever page the comment is on.
 */
import type { AroundResult, CommentView, JoinResult, PageResult, PostCommentResult, ReplyPage, RichText, ThreadEvent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../store/postgres/test-database.js';
import { call, collectThreadEvents, nextThreadEvent, okData, rid, startTestServer, TEST_SITE, type ClientSocket, type TestServer } from '../test-helpers.js';

const { url: databaseUrl } = testDatabase('parley_fmt');
let threads = 0;

const stores = [
  ['sqlite', {}],
  ['postgres', { dbPath: undefined, databaseUrl }],
] as const;

const formatted = '*Hello* **there**, see [the article](https://news.example.com/a) and `code`:\n\n- one\n- two';
const formattedDoc: RichText = [
  {
    t: 'p',
    c: [
      { t: 'em', c: ['Hello'] },
      ' ',
      { t: 'strong', c: ['there'] },
      ', see ',
      { t: 'link', href: 'https://news.example.com/a', c: ['the article'] },
      ' and ',
      { t: 'code', s: 'code' },
      ':',
    ],
  },
  { t: 'ul', c: [[{ t: 'p', c: ['one'] }], [{ t: 'p', c: ['two'] }]] },
];

for (const [storeName, storeOptions] of stores) {
  describe(`formatting over Socket.IO (${storeName})`, () => {
    async function setup(): Promise<{ server: TestServer; thread: string; ann: ClientSocket; bob: ClientSocket; guest: ClientSocket }> {
      const thread = `fmt-${storeName}-${process.pid}-${++threads}`;
      const server = await startTestServer({ ...storeOptions, threads: [thread], economy: { startingGrant: 500 } });
      // Readers of their own per test: the PostgreSQL database (and its wallets) outlives a test.
      const ann = await server.connect(await server.token(`ann-${threads}`, { name: 'Ann Lee', lvl: 20 }));
      const bob = await server.connect(await server.token(`bob-${threads}`, { name: 'Bob', lvl: 20 }));
      const guest = await server.connect();
      for (const socket of [ann, bob, guest]) okData(await call<JoinResult>(socket, 'thread:join', { thread }));
      return { server, thread, ann, bob, guest };
    }
    const post = async (socket: ClientSocket, thread: string, body: string, parentId?: string): Promise<CommentView> =>
      okData(await call<PostCommentResult>(socket, 'comment:post', { requestId: rid(), thread, body, ...(parentId && { parentId }) })).comment;

    it('[MD-6] the tree travels beside the body: the post ack, the live event, a join, a page and replies; plain bodies carry none', async () => {
      const { server, thread, ann, bob, guest } = await setup();
      const live = nextThreadEvent(guest);
      const root = await post(ann, thread, formatted);
      expect(root).toMatchObject({ body: formatted, doc: formattedDoc });
      expect(await live).toMatchObject({ type: 'comment.created', comment: { body: formatted, doc: formattedDoc } });
      const plain = await post(bob, thread, 'just words\nand a line', root.id);
      const second = await post(bob, thread, '> quoted\n\ntext');
      expect(plain.doc).toBeUndefined();
      expect('doc' in plain).toBe(false);

      const late = await server.connect();
      const joined = okData(await call<JoinResult>(late, 'thread:join', { thread, sort: 'old', pageSize: 1 }));
      if (joined.mode !== 'snapshot') throw new Error('snapshot expected');
      expect(joined.page.comments.find((c) => c.id === root.id)?.doc).toEqual(formattedDoc);

      const replies = okData(await call<ReplyPage>(late, 'comments:replies', { thread, rootId: root.id }));
      expect(replies.comments.map((c) => c.doc ?? null)).toEqual([null]);

      const page = okData(await call<PageResult>(late, 'comments:page', { thread, sort: 'old', cursor: joined.page.nextCursor! }));
      expect(page.comments.find((c) => c.id === second.id)?.doc).toEqual([{ t: 'quote', c: [{ t: 'p', c: ['quoted'] }] }, { t: 'p', c: ['text'] }]);

      // A replay with `since` carries the trees as the events had them.
      const rejoin = okData(await call<JoinResult>(late, 'thread:join', { thread, since: 0 }));
      if (rejoin.mode !== 'events') throw new Error('events expected');
      const created = rejoin.events.find((e): e is Extract<ThreadEvent, { type: 'comment.created' }> => e.type === 'comment.created');
      expect(created?.comment.doc).toEqual(formattedDoc);
    });

    it('[MD-6] an edit sends the new tree (none when plain); a hide withholds it everywhere and an unhide gives it back', async () => {
      const { server, thread, ann, guest } = await setup();
      const root = await post(ann, thread, 'plain first');
      const log = collectThreadEvents(guest);
      okData(await call(ann, 'comment:edit', { requestId: rid(), thread, commentId: root.id, body: 'now *emphatic*' }));
      okData(await call(ann, 'comment:edit', { requestId: rid(), thread, commentId: root.id, body: 'plain again' }));
      okData(await call(ann, 'comment:edit', { requestId: rid(), thread, commentId: root.id, body: '**bold**' }));
      const moderator = await server.connect(await server.token('mod', { role: 'moderator' }));
      okData(await call(moderator, 'thread:join', { thread }));
      okData(await call(moderator, 'comment:hide', { requestId: rid(), thread, commentId: root.id, hidden: true }));
      const events = (await log.untilSeq(5)).filter((e) => e.seq > 1);
      expect(events.slice(0, 3)).toMatchObject([
        { type: 'comment.edited', body: 'now *emphatic*', doc: [{ t: 'p', c: ['now ', { t: 'em', c: ['emphatic'] }] }] },
        { type: 'comment.edited', body: 'plain again' },
        { type: 'comment.edited', doc: [{ t: 'p', c: [{ t: 'strong', c: ['bold'] }] }] },
      ]);
      expect('doc' in events[1]!).toBe(false);
      expect(events[3]).toMatchObject({ type: 'comment.hidden', body: '' });
      expect('doc' in events[3]!).toBe(false);

      // Withheld from a join, and from a replay of the events that carried it.
      const reader = await server.connect();
      const joined = okData(await call<JoinResult>(reader, 'thread:join', { thread }));
      if (joined.mode !== 'snapshot') throw new Error('snapshot expected');
      expect(JSON.stringify(joined.page.comments)).not.toContain('bold');
      const replay = okData(await call<JoinResult>(reader, 'thread:join', { thread, since: 0 }));
      expect(JSON.stringify(replay)).not.toContain('bold');
      expect(JSON.stringify(replay)).not.toContain('emphatic');

      okData(await call(moderator, 'comment:hide', { requestId: rid(), thread, commentId: root.id, hidden: false }));
      const unhidden = (await log.untilSeq(6)).find((e) => e.seq === 6);
      expect(unhidden).toMatchObject({ type: 'comment.hidden', hiddenAt: null, body: '**bold**', doc: [{ t: 'p', c: [{ t: 'strong', c: ['bold'] }] }] });
    });

    it('[MD-7] @Name of someone who commented in the thread becomes a mention, recorded on the comment; strangers stay text', async () => {
      const { server, thread, ann, bob } = await setup();
      const [annId, bobId] = [`ann-${threads}`, `bob-${threads}`];
      await post(ann, thread, 'An opening word');
      const first = await post(bob, thread, 'I was here first, @Ann Lee');
      const reply = await post(ann, thread, 'Thanks @bob — and @Carol, and @Ann Lee!', first.id);
      expect(first.doc).toEqual([{ t: 'p', c: ['I was here first, ', { t: 'mention', id: annId, s: 'Ann Lee' }] }]);
      expect(reply.doc).toEqual([
        { t: 'p', c: ['Thanks ', { t: 'mention', id: bobId, s: 'bob' }, ' — and @Carol, and ', { t: 'mention', id: annId, s: 'Ann Lee' }, '!'] },
      ]);
      const stored = await server.store.read((tx) => tx.getComment(`${TEST_SITE}:${thread}`, reply.id));
      expect(stored?.mentions).toEqual([
        { id: bobId, name: 'Bob' },
        { id: annId, name: 'Ann Lee' },
      ]);
      // Mentions are not a view field: readers get them only as nodes of the tree.
      expect(Object.keys(reply)).not.toContain('mentions');
    });

    it('[LINK-4] comments:around brings a linked comment on a later page: its root, the first replies, and for a reply its parent and the replies from it on', async () => {
      const { thread, ann, bob, guest } = await setup();
      const oldest = await post(ann, thread, 'the oldest root');
      const replies: CommentView[] = [];
      for (let i = 0; i < 14; i++) replies.push(await post(i % 2 ? ann : bob, thread, `reply ${i}`, oldest.id));
      const deep = await post(ann, thread, 'a reply to reply 12', replies[12]!.id);
      for (let i = 0; i < 6; i++) await post(bob, thread, `newer root ${i}`);

      const joined = okData(await call<JoinResult>(guest, 'thread:join', { thread, sort: 'new', pageSize: 3 }));
      if (joined.mode !== 'snapshot') throw new Error('snapshot expected');
      expect(joined.page.comments.some((c) => c.id === deep.id || c.id === oldest.id)).toBe(false);

      const forRoot = okData(await call<AroundResult>(guest, 'comments:around', { thread, commentId: oldest.id }));
      expect(forRoot).toMatchObject({ commentId: oldest.id, rootId: oldest.id });
      expect(forRoot.comments[0]?.id).toBe(oldest.id);
      expect(forRoot.comments.slice(1).map((c) => c.body)).toEqual(replies.slice(0, 10).map((c) => c.body));

      const forDeep = okData(await call<AroundResult>(guest, 'comments:around', { thread, commentId: deep.id }));
      const ids = forDeep.comments.map((c) => c.id);
      expect(ids[0]).toBe(oldest.id);
      expect(ids).toContain(deep.id);
      expect(ids).toContain(replies[12]!.id); // its parent, so it shows in its place
      const seqs = forDeep.comments.slice(1).map((c) => c.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('[LINK-4] comments:around is checked like a page: unknown ids, other threads and hidden words', async () => {
      const { server, thread, ann, guest } = await setup();
      const root = await post(ann, thread, 'secret *words*');
      const moderator = await server.connect(await server.token('mod', { role: 'moderator' }));
      okData(await call(moderator, 'thread:join', { thread }));
      okData(await call(moderator, 'comment:hide', { requestId: rid(), thread, commentId: root.id, hidden: true }));
      const around = okData(await call<AroundResult>(guest, 'comments:around', { thread, commentId: root.id }));
      expect(around.comments[0]).toMatchObject({ id: root.id, body: '' });
      expect(JSON.stringify(around)).not.toContain('words');

      expect(await call(guest, 'comments:around', { thread, commentId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await call(guest, 'comments:around', { thread: 't', commentId: root.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await call(guest, 'comments:around', { thread, commentId: root.id, extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    });
  });
}
