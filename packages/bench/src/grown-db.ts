/**
 * A database grown as by real use, fast: direct bulk inserts into a SQLite file the server already
 * migrated (and whose threads its host created), inside one transaction, keeping the schema's
 * invariants — every balance is the sum of its transfers (the insert trigger moves them), no reader
 * goes below zero, each thread's seqs run 1…n without a gap with one event each, comment and reply
 * counts and like counts match their rows, every paid reward points at its transfer.
 *
 * What it holds (issue 10 item 3): `transfers` transfers among `readers` reader accounts and the
 * site's treasury (a grant each, then comment tributes, rewards and read credits), `comments` comments
 * over `threads` threads (three in ten replies), a like per comment on average, a paid pending-reward
 * row per comment, read sessions and clocks, request records of the last day.
 */
import Database from 'better-sqlite3';

export interface GrowOptions {
  site: string;
  /** Thread ids (public) the host created; comments are spread over them. */
  threads: readonly string[];
  comments: number;
  transfers: number;
  readers: number;
  /** Time of the newest row, ms; rows go back a month from here. */
  now: number;
}

export interface GrownCounts {
  comments: number;
  transfers: number;
  reactions: number;
  accounts: number;
  events: number;
  seconds: number;
}

const month = 30 * 24 * 60 * 60 * 1000;

export function growDatabase(path: string, options: GrowOptions): GrownCounts {
  const started = performance.now();
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    // Every reference is made valid by construction (accounts before their transfers, rewards after
    // theirs); checking a million of them one by one would triple the build.
    db.pragma('foreign_keys = OFF');
    const { site, threads, now } = options;
    const treasury = `t:${site}`;
    const reader = (n: number): string => `r:${site}:grown-${n}`;
    const at = (fraction: number): number => Math.round(now - month + fraction * month);
    const insertAccount = db.prepare('INSERT OR IGNORE INTO accounts (id, kind, balance, created_at) VALUES (?, ?, 0, ?)');
    const insertTransfer = db.prepare(
      'INSERT INTO transfers (from_account, to_account, amount, category, thread, ref, request_id, reverses, at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?)',
    );
    const insertComment = db.prepare(`INSERT INTO comments (id, thread, root_id, parent_id, reply_to_id, reply_to_name, depth, seq, author_id, author_name,
      author_avatar, author_level, body, created_at, likes, dislikes, reply_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, 0, 0, 0)`);
    const addReply = db.prepare('UPDATE comments SET reply_count = reply_count + 1 WHERE id = ?');
    const insertEvent = db.prepare('INSERT INTO events (thread, seq, type, payload, at) VALUES (?, ?, ?, ?, ?)');
    const insertReaction = db.prepare("INSERT INTO reactions (thread, comment, user, value) VALUES (?, ?, ?, 'like')");
    const addLike = db.prepare('UPDATE comments SET likes = likes + 1 WHERE id = ?');
    const insertPending = db.prepare(`INSERT INTO pending_rewards (site, account, category, thread, comment, ref, amount, created_at, due_at, state, paid, transfer_id, settled_at)
      VALUES (?, ?, 'commentRewards', ?, ?, ?, ?, ?, ?, 'paid', ?, ?, ?)`);
    const setThread = db.prepare('UPDATE threads SET seq = ?, comment_count = ? WHERE id = ?');
    const insertSession = db.prepare('INSERT OR IGNORE INTO read_sessions (account, thread, read_ms, credited) VALUES (?, ?, ?, ?)');
    const insertClock = db.prepare('INSERT OR REPLACE INTO read_clocks (account, last_beat_at) VALUES (?, ?)');
    const insertRequest = db.prepare('INSERT OR IGNORE INTO requests (user_id, request_id, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)');

    let transfers = 0;
    let reactions = 0;
    let events = 0;
    db.transaction(() => {
      insertAccount.run(treasury, 'treasury', at(0));
      const balances = new Float64Array(options.readers);
      for (let n = 0; n < options.readers; n++) {
        insertAccount.run(reader(n), 'reader', at(0));
        insertTransfer.run(treasury, reader(n), 1000, 'grant', null, null, at(0));
        balances[n] = 1000;
        transfers++;
      }
      // Comments: spread round-robin over the threads, in time order; a reply answers a recent root.
      const perThread = new Map<string, { seq: number; roots: string[] }>();
      const commentsPerThread = Math.ceil(options.comments / threads.length);
      for (let c = 0; c < options.comments; c++) {
        const thread = threads[c % threads.length] as string;
        const key = `${site}:${thread}`;
        const state = perThread.get(key) ?? { seq: 0, roots: [] };
        perThread.set(key, state);
        const seq = ++state.seq;
        const id = `g${c.toString(36)}`;
        const authorN = (c * 7919) % options.readers;
        const author = `grown-${authorN}`;
        const createdAt = at((Math.floor(c / threads.length) + 1) / (commentsPerThread + 1));
        const reply = state.roots.length > 0 && (c * 0.618) % 1 < 0.3;
        const root = reply ? (state.roots[(c * 31) % state.roots.length] as string) : id;
        const body = `Grown comment ${c}: an opinion about the article, long enough to look like a real one.`;
        insertComment.run(id, key, root, reply ? root : null, null, null, reply ? 1 : 0, seq, author, `Grown ${authorN}`, 20, body, createdAt);
        if (reply) addReply.run(root);
        else state.roots.push(id);
        const view = {
          id, thread, rootId: root, parentId: reply ? root : null, replyToId: null, replyToName: null, depth: reply ? 1 : 0, seq,
          author: { id: author, name: `Grown ${authorN}`, avatar: null, level: 20 }, body, createdAt, editedAt: null, deletedAt: null,
          likes: 0, dislikes: 0, replyCount: 0,
        };
        insertEvent.run(key, seq, 'comment.created', JSON.stringify({ type: 'comment.created', thread, seq, at: createdAt, comment: view }), createdAt);
        events++;
        // The comment's tribute, and its reward paid once it stood (a pending row, now paid).
        if ((balances[authorN] ?? 0) >= 1) {
          insertTransfer.run(reader(authorN), treasury, 1, 'commentTributes', key, null, createdAt);
          balances[authorN] = (balances[authorN] ?? 0) - 1;
          transfers++;
        }
        const reward = insertTransfer.run(treasury, reader(authorN), 2, 'commentRewards', key, `reward:${id}`, createdAt + 3_600_000);
        balances[authorN] = (balances[authorN] ?? 0) + 2;
        transfers++;
        insertPending.run(site, reader(authorN), key, id, `reward:${id}`, 2, createdAt, createdAt + 3_600_000, 2, reward.lastInsertRowid, createdAt + 3_600_000);
        // About one like a comment, from a reader other than its author.
        const liker = (authorN + 1 + (c % 97)) % options.readers;
        if (insertReaction.run(key, id, `grown-${liker}`).changes > 0) {
          addLike.run(id);
          reactions++;
        }
      }
      for (const [key, state] of perThread) setThread.run(state.seq, state.seq, key);
      // The rest of the transfers: reading credits and small rewards to readers, the odd tribute back.
      let n = 0;
      while (transfers < options.transfers) {
        const r = (n * 104729) % options.readers;
        const thread = `${site}:${threads[n % threads.length] as string}`;
        const when = at(n / Math.max(1, options.transfers));
        if (n % 5 === 4 && (balances[r] ?? 0) >= 2) {
          insertTransfer.run(reader(r), treasury, 2, 'reports', thread, null, when);
          balances[r] = (balances[r] ?? 0) - 2;
        } else {
          insertTransfer.run(treasury, reader(r), 1, n % 2 ? 'read' : 'likesOwn', thread, n % 2 ? `read:${thread}` : null, when);
          balances[r] = (balances[r] ?? 0) + 1;
        }
        transfers++;
        if (n % 10 === 0) insertSession.run(reader(r), thread, 20_000, 1);
        n++;
      }
      for (let r = 0; r < options.readers; r++) insertClock.run(reader(r), at(1) - 3_600_000);
      // A day of request records (they are pruned after 24 h: PRUNE-1).
      for (let q = 0; q < 20_000; q++) insertRequest.run(`${site}:grown-${q % options.readers}`, `grown-${q}`, 'f', 'null', now - (q % 86_400) * 1000);
    })();
    const accounts = db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number };
    // No ANALYZE: the server never runs one, so the planner sees what it sees in production.
    // Checkpointed with an fsync of the file: the build's hundreds of MB of dirty pages are on disk
    // before anything is measured, not written back by the kernel during the grown database's rounds.
    db.pragma('synchronous = FULL');
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { comments: options.comments, transfers, reactions, accounts: accounts.n, events, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}
