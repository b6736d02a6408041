/**
 * Threads belong to the host (SPEC THREAD-1…THREAD-7). A thread comes to exist, and gets its
 * title, canonical URL, gate tightenings and post author, only from the host: a signed thread claim
 * (sites/thread-claims.ts), the admin HTTP API or the CLI — all three end here, in one function, so
 * they cannot disagree. Paste-and-go creation (`autoCreateThreads`) records nothing but the site's
 * defaults and the page URL.
 */
import { Limits, type GateTightenings } from '@parley/protocol';
import { clampGates, tighteningsOnly } from '../domain/gates.js';
import { threadIdOf, threadKey } from '../domain/thread-key.js';
import { readerAccount } from '../economy/accounts.js';
import { openBook } from '../economy/book.js';
import type { WalletDelivery } from '../economy/ledger-book.js';
import type { Site } from '../sites/site-config.js';
import type { ReadTx, ThreadOrigin, ThreadRecord, WriteTx } from '../store/types.js';
import type { CommandContext } from './context.js';
import type { ThreadRef } from './thread-gates.js';

/** What a host says about a thread. Absent fields leave what is recorded unchanged. */
export interface ThreadSpec {
  id: string;
  title?: string | null;
  url?: string | null;
  /** Tightenings of the site's gates; kept only where stricter, clamped to the level curve. */
  gates?: GateTightenings;
  /** The post's author (a reader id of this site): earns the author categories, pays the Post Publish Tribute. */
  author?: string | null;
  /** Publish the post (one way: a published post stays published). */
  published?: boolean;
}

/** A thread as the host's tools see it (admin API, CLI). */
export interface ThreadInfo {
  site: string;
  id: string;
  title: string | null;
  url: string | null;
  origin: ThreadOrigin;
  createdAt: number;
  published: boolean;
  publishedAt: number | null;
  author: string | null;
  gates: GateTightenings;
  commentCount: number;
  plus: number;
  minus: number;
  seq: number;
}

export interface AppliedSpec {
  thread: ThreadRecord;
  created: boolean;
  /** The recorded gates changed: open widgets should hear `thread:gates`. */
  gatesChanged: boolean;
  wallets: WalletDelivery[];
}

/** The highest level a reader of `site` can have: the top of its level curve. */
export const maxLevelOf = (site: Site): number => site.levelCurve.length;

export function refFor(site: Site, id: string): ThreadRef {
  return { site, id, key: threadKey(site.id, id) };
}

/**
 * Creates or updates a thread as its host describes it, in the caller's write transaction.
 * `claimIat` (a signed claim's issue time) makes claims ordered: a claim not newer than the last
 * one applied changes nothing, so a page cached with yesterday's claim cannot undo today's.
 */
export async function applyThreadSpec(
  ctx: CommandContext,
  tx: WriteTx,
  site: Site,
  spec: ThreadSpec,
  origin: ThreadOrigin,
  at: number,
  claimIat: number | null = null,
): Promise<AppliedSpec> {
  const ref = refFor(site, spec.id);
  let thread = await tx.getThread(ref.key);
  const created = thread === null;
  if (!thread) {
    thread = await tx.ensureThread(ref.key, spec.title ?? null, spec.url ?? null, at, { site: site.id, origin });
  } else if (claimIat !== null && thread.claimIat !== null && claimIat <= thread.claimIat) {
    return { thread, created: false, gatesChanged: false, wallets: [] };
  }
  const meta = {
    ...(spec.title !== undefined && { title: spec.title }),
    ...(spec.url !== undefined && { url: spec.url }),
    ...(claimIat !== null && { claimIat }),
  };
  if (!created || claimIat !== null) thread = (await tx.updateThread(ref.key, meta)) ?? thread;

  let gatesChanged = false;
  if (spec.gates !== undefined || created) {
    const gates = clampGates(tighteningsOnly(site.gates, spec.gates ?? {}), maxLevelOf(site));
    const before = await tx.getThreadSettings(ref.key);
    if (!before || JSON.stringify(before.gates) !== JSON.stringify(gates)) {
      await tx.setThreadGates(ref.key, site.id, gates, at);
      gatesChanged = !created;
    }
  }

  let wallets: WalletDelivery[] = [];
  if (spec.published || (spec.author && thread.publishedAt !== null)) {
    wallets = await publish(ctx, tx, ref, spec.author ?? null, at);
    thread = (await tx.getThread(ref.key)) ?? thread;
  }
  return { thread, created, gatesChanged, wallets };
}

/**
 * Publishes the thread's post (once) and names its author (once). [SETTLE-6] A post's author can
 * always publish: by default the site bears the Post Publish Tribute (`publishTributePaidBy:
 * 'site'` — the treasury would pay itself, so nothing moves); a site that sets `'author'` charges
 * the author exactly, and what they cannot cover becomes debt (DEBT-1), never a refusal.
 */
export async function publish(ctx: CommandContext, tx: WriteTx, ref: ThreadRef, author: string | null, at: number): Promise<WalletDelivery[]> {
  await tx.publishThread(ref.key, at);
  if (!author) return [];
  const book = openBook(ctx, tx, ref.site.id, at, null);
  if (!(await tx.ledger.setPostAuthor(ref.key, readerAccount(ref.site.id, author), at))) return [];
  await book.ensureReader(author);
  if (book.rules.publishTributePaidBy === 'author') {
    await book.chargeOwed(author, book.rules.amounts.publishTribute, { category: 'publishTribute', thread: ref.key, ref: `publish:${ref.key}` });
  }
  return book.walletUpdates();
}

export async function threadInfo(tx: ReadTx, site: Site, thread: ThreadRecord): Promise<ThreadInfo> {
  const author = await tx.ledger.postAuthor(thread.id);
  const prefix = readerAccount(site.id, '');
  const settings = await tx.getThreadSettings(thread.id);
  return {
    site: site.id,
    id: threadIdOf(thread.id),
    title: thread.title,
    url: thread.url,
    origin: thread.origin,
    createdAt: thread.createdAt,
    published: thread.publishedAt !== null,
    publishedAt: thread.publishedAt,
    author: author?.startsWith(prefix) ? author.slice(prefix.length) : null,
    gates: settings?.gates ?? {},
    commentCount: thread.commentCount,
    plus: thread.plus,
    minus: thread.minus,
    seq: thread.seq,
  };
}

/** A site's threads, newest first; `cursor` continues a listing. */
export async function listSiteThreads(
  ctx: CommandContext,
  site: Site,
  cursor: string | null,
  limit: number,
): Promise<{ threads: ThreadInfo[]; nextCursor: string | null }> {
  const after = cursor ? decodeListCursor(cursor) : null;
  const size = Math.min(Math.max(1, limit), Limits.maxPageSize * 5);
  return ctx.store.read(async (tx) => {
    const rows = await tx.listThreads(site.id, after, size + 1);
    const shown = rows.slice(0, size);
    const threads = [];
    for (const row of shown) threads.push(await threadInfo(tx, site, row));
    const last = shown.at(-1);
    return { threads, nextCursor: rows.length > size && last ? encodeListCursor(last) : null };
  });
}

const encodeListCursor = (t: ThreadRecord): string => Buffer.from(JSON.stringify([t.createdAt, t.id])).toString('base64url');

function decodeListCursor(cursor: string): { createdAt: number; id: string } | null {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through: a garbled cursor starts from the top
  }
  return null;
}
