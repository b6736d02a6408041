/**
 * Child process: the baseline. A bare Socket.IO 4 server that speaks just enough of Parley's wire
 * contract (join, post, react, `thread:events`, presence, heartbeats, economy:state) for the same
 * readers and writers to drive it, and relays every write to the room with one `io.to(room).emit`
 * — no database, no validation, no auth, no batching. Presence is the naive relay: every
 * `presence:set` (renewals that change nothing included) goes to everyone else in the room as a
 * `presence:state` (volatile: dropped for a socket still busy writing), so its messages grow with
 * the square of the readers. Heartbeats and
 * `economy:state` are answered with fixed payloads of Parley's shape. Parley's figures divided by
 * these show what Parley adds on top of Socket.IO.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import type { AuthorView, CommentView, ThreadEvent } from '@parley/protocol';
import { childConfig, serveParent } from './child-rpc.js';

interface BaselineThread {
  seq: number;
  comments: Map<string, CommentView>;
  typing: Map<string, Typist>;
}

const threads = new Map<string, BaselineThread>();

function threadOf(id: string): BaselineThread {
  let thread = threads.get(id);
  if (!thread) {
    thread = { seq: 0, comments: new Map(), typing: new Map() };
    threads.set(id, thread);
  }
  return thread;
}

interface PresenceSetInput { thread: string; typing: { parentId: string | null } | null }
interface Typist { key: string; name: string; parentId: string | null }
interface PostInput { thread: string; body: string }
interface ReactInput { thread: string; commentId: string; value: 'like' | 'dislike' | null }
type Ack = (answer: unknown) => void;

childConfig<Record<string, never>>();
const http = createServer();
const io = new Server(http, { perMessageDeflate: false, maxHttpBufferSize: 64 * 1024 });

io.on('connection', (socket) => {
  const author: AuthorView = { id: `writer-${socket.id}`, name: 'Baseline Writer', avatar: null, level: 20 };

  socket.on('thread:join', (input: { thread: string }, ack: Ack) => {
    const thread = threadOf(input.thread);
    void socket.join(input.thread);
    const view = { id: input.thread, title: null, url: null, seq: thread.seq, commentCount: thread.comments.size, plus: 0, minus: 0 };
    ack({ ok: true, data: { mode: 'snapshot', thread: view, page: { sort: 'top', comments: [], nextCursor: null } } });
  });

  socket.on('comment:post', (input: PostInput, ack: Ack) => {
    const thread = threadOf(input.thread);
    const seq = ++thread.seq;
    const at = Date.now();
    const id = `c${seq}`;
    const comment: CommentView = {
      id, thread: input.thread, rootId: id, parentId: null, replyToId: null, replyToName: null, depth: 0, seq,
      author, body: input.body.trim(), createdAt: at, editedAt: null, deletedAt: null, likes: 0, dislikes: 0, replyCount: 0,
    };
    thread.comments.set(id, comment);
    ack({ ok: true, data: { seq, comment } });
    broadcast({ type: 'comment.created', thread: input.thread, seq, at, comment });
  });

  socket.on('comment:react', (input: ReactInput, ack: Ack) => {
    const thread = threadOf(input.thread);
    const comment = thread.comments.get(input.commentId);
    if (!comment) return ack({ ok: false, error: { code: 'not_found', message: 'no such comment' } });
    // Counts only roughly right (no per-user memory); the payload's shape and size is what matters.
    comment.likes = Math.max(0, comment.likes + (input.value === 'like' ? 1 : -1));
    const seq = ++thread.seq;
    const at = Date.now();
    const result = { seq, commentId: comment.id, likes: comment.likes, dislikes: comment.dislikes, value: input.value };
    ack({ ok: true, data: result });
    broadcast({ type: 'comment.reacted', thread: input.thread, at, userId: author.id, ...result });
  });

  const key = `s:${socket.id}`;
  socket.on('presence:set', (input: PresenceSetInput, ack: Ack) => {
    const thread = threadOf(input.thread);
    ack({ ok: true, data: null });
    const change = input.typing
      ? { set: [{ key, name: author.name, parentId: input.typing.parentId }] }
      : { clear: [key] };
    if (input.typing) thread.typing.set(key, { key, name: author.name, parentId: input.typing.parentId });
    else thread.typing.delete(key);
    // Volatile, as Socket.IO advises for ephemeral state: a socket still busy writing skips it.
    // Otherwise every undelivered relay waits in the server's memory, which at 10,000 readers
    // grows by hundreds of MB a second until the process dies; the relay stays naive in volume.
    socket.to(input.thread).volatile.emit('presence:state', { thread: input.thread, node: 'baseline', readers: roomSize(input.thread), typing: change });
  });

  socket.on('presence:sync', (input: { thread: string }, ack: Ack) => {
    const thread = threadOf(input.thread);
    ack({ ok: true, data: { thread: input.thread, node: 'baseline', readers: roomSize(input.thread), typing: [...thread.typing.values()] } });
  });

  let readMs = 0;
  socket.on('read:heartbeat', (input: { thread: string }, ack?: Ack) => {
    readMs += 10_000;
    // As Parley (SPEC BEAT-17): a beat sent without an ack id is answered with nothing.
    ack?.({ ok: true, data: { thread: input.thread, readMs, readEarned: 0, credited: 0, balance: 100 } });
  });

  socket.on('economy:state', (_input: { thread: string }, ack: Ack) => {
    ack({ ok: true, data: economyState });
  });
});

function roomSize(thread: string): number {
  return io.sockets.adapter.rooms.get(thread)?.size ?? 0;
}

/** What Parley answers a signed-in reader's economy:state, in shape and about in size. */
const economyState = {
  rules: {
    amounts: {
      commentRewards: 5, likesReceived: 1, likesGiven: 1, votesReceived: 1, votesGiven: 1, readToEarn: 1,
      commentTributes: 1, dislikesOwn: 1, dislikesCommenter: 1, publishTribute: 10, reports: 5,
    },
    startingGrant: 100, readMsPerTwei: 60_000, readCapPerPost: 5, heartbeatMs: 10_000,
    settleWindowMs: 600_000, dailyEarnCap: 200, publishTributePaidBy: 'site',
  },
  mode: 'full',
  wallet: { balance: 100, readEarned: 0, readMs: 0, pending: 0, debt: 0, earnedToday: 0, dailyEarnCap: 200 },
  author: null,
  reports: [],
};

function broadcast(event: ThreadEvent): void {
  // One event per message: the baseline never coalesces.
  io.to(event.thread).emit('thread:events', [event]);
}

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  serveParent(`http://127.0.0.1:${port}`, new Map(), async () => {
    await io.close();
  });
});
