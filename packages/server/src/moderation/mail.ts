/**
 * Email notifications (SPEC MAIL-1…5), sent through nodemailer (the SMTP library of Node, 15 years
 * maintained) from the same durable outbox as webhooks:
 *
 * - to the site's `email.moderators` when a comment gets its first flag (one message per flagged
 *   comment, not per flag: a pile-on must not flood the moderators' inbox);
 * - to a reader when someone else replies to their comment, only if they opted in.
 *
 * How a reader opts in: the host's token says so, with the claims `email` (the address the host
 * verified) and `email_replies: true`. The host's own account settings are where a reader makes
 * that choice; Parley never asks for an address. The address and opt-in are recorded when the
 * reader posts (store `reader_emails`).
 *
 * One-click unsubscribe (RFC 8058): every reply email carries
 *   List-Unsubscribe: <https://comments.example.com/email/unsubscribe?t=…>
 *   List-Unsubscribe-Post: List-Unsubscribe=One-Click
 * and the same link in its text. `t` is the site, the reader and the address, HMAC-signed with the
 * site's unsubscribe key, so nobody can unsubscribe someone else. A POST to it (what mail clients
 * send) unsubscribes at once; a GET (a person clicking the link — or a mail scanner prefetching it)
 * shows a page with one button, so a prefetch never unsubscribes anyone. The unsubscribe sticks to
 * that address until the host's token names a different one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { threadKey } from '../domain/thread-key.js';
import type { Logger } from '../logger.js';
import type { SiteDirectory } from '../sites/site-config.js';
import type { DeliveryRecord, NewDelivery } from '../store/delivery-store.js';
import type { Store } from '../store/types.js';
import type { CommentRef, ModerationEventMap } from './events.js';

export interface MailOptions {
  /** The SMTP server: `smtp://user:pass@host:587` (STARTTLS when offered), `smtps://…:465`, or nodemailer's SMTP options. */
  smtp: string | SMTPTransport.Options;
  /**
   * Where this server is reached from the outside, for unsubscribe links: `https://comments.example.com`.
   * @default none — required with `mail` (a link to 127.0.0.1 would unsubscribe nobody).
   */
  publicUrl: string;
}

/** What the outbox stores for one email. */
interface StoredMail {
  to: string;
  subject: string;
  text: string;
  unsubscribeUrl?: string;
}

export const UNSUBSCRIBE_PATH = '/email/unsubscribe';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

function tokenMac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`parley-unsubscribe.${payload}`).digest();
}

export function unsubscribeToken(secret: string, site: string, userId: string, address: string): string {
  const payload = b64(JSON.stringify([site, userId, address]));
  return `${payload}.${tokenMac(secret, payload).toString('base64url')}`;
}

/** The site, reader and address of a token whose signature verifies with its site's key; null otherwise. */
export function readUnsubscribeToken(sites: SiteDirectory, token: string): { site: string; userId: string; address: string } | null {
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) return null;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(fields) || fields.length !== 3 || !fields.every((f) => typeof f === 'string')) return null;
  const [site, userId, address] = fields as [string, string, string];
  const secret = sites.get(site)?.email?.unsubscribeSecret;
  if (!secret) return null;
  const expected = tokenMac(secret, payload);
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { site, userId, address };
}

const excerpt = (body: string): string => (body.length > 500 ? `${body.slice(0, 500)}…` : body);

function mailDelivery(site: string, kind: string, mail: StoredMail, at: number, id: string): NewDelivery {
  return { id, site, channel: 'email', target: mail.to, kind, body: JSON.stringify(mail), createdAt: at };
}

/** Turns moderation events into queued emails. */
export class MailNotifier {
  constructor(
    private readonly store: Store,
    private readonly sites: SiteDirectory,
    private readonly options: MailOptions,
  ) {}

  /** The first flag of a comment: one email per moderator address. */
  flagged(event: ModerationEventMap['comment.flagged']): NewDelivery[] {
    const email = this.sites.get(event.site)?.email;
    if (!email || email.moderators.length === 0 || event.flags !== 1) return [];
    const subject = `[${event.site}] A comment was flagged (${event.reason})`;
    const text = [
      `A reader flagged a comment by ${event.authorName} in the thread "${event.thread}" as ${event.reason}.`,
      event.note ? `Their note: ${event.note}` : null,
      '',
      excerpt(event.body),
      '',
      `Review it in the console: ${this.options.publicUrl}/admin`,
    ]
      .filter((line) => line !== null)
      .join('\n');
    return email.moderators.map((to, i) => mailDelivery(event.site, 'comment.flagged', { to, subject, text }, event.at, `ml_flag_${event.site}_${event.commentId}_${i}`));
  }

  /** A reply: an email to the parent's author if they opted in, are subscribed, and are not the replier. */
  async replied(event: CommentRef): Promise<NewDelivery[]> {
    const site = this.sites.get(event.site);
    if (!site?.email?.replies || !event.parentId) return [];
    const found = await this.store.read(async (tx) => {
      const parent = await tx.getComment(threadKey(event.site, event.thread), event.parentId!);
      if (!parent || parent.author.id === event.authorId || parent.deletedAt !== null) return null;
      const reader = await tx.deliveries.getReaderEmail(event.site, parent.author.id);
      if (!reader?.replies || reader.unsubscribedAt !== null) return null;
      const thread = await tx.getThread(threadKey(event.site, event.thread));
      return { reader, threadTitle: thread?.title ?? event.thread, threadUrl: thread?.url ?? null };
    });
    if (!found) return [];
    const { reader, threadTitle, threadUrl } = found;
    const unsubscribeUrl = `${this.options.publicUrl}${UNSUBSCRIBE_PATH}?t=${unsubscribeToken(site.email.unsubscribeSecret, site.id, reader.userId, reader.address)}`;
    const text = [
      `${event.authorName} replied to your comment on "${threadTitle}":`,
      '',
      excerpt(event.body),
      '',
      threadUrl ? `Read the discussion: ${threadUrl}` : null,
      `Stop these emails: ${unsubscribeUrl}`,
    ]
      .filter((line) => line !== null)
      .join('\n');
    const mail: StoredMail = { to: reader.address, subject: `${event.authorName} replied to you on "${threadTitle}"`, text, unsubscribeUrl };
    return [mailDelivery(event.site, 'reply', mail, event.at, `ml_reply_${event.site}_${event.commentId}`)];
  }

  /**
   * `@mentions` (MD-*): an email to each reader the comment mentions who opted in (the same opt-in
   * and unsubscribe as replies), never the writer, and not the parent's author, whom `replied` tells.
   */
  async mentioned(event: CommentRef): Promise<NewDelivery[]> {
    const site = this.sites.get(event.site);
    if (!site?.email?.replies) return [];
    const found = await this.store.read(async (tx) => {
      const key = threadKey(event.site, event.thread);
      const comment = await tx.getComment(key, event.commentId);
      if (!comment?.mentions?.length || comment.deletedAt !== null) return null;
      const parent = event.parentId ? await tx.getComment(key, event.parentId) : null;
      const told = new Set([event.authorId, ...(parent ? [parent.author.id] : [])]);
      const readers = [];
      for (const mention of comment.mentions) {
        if (told.has(mention.id)) continue;
        told.add(mention.id);
        const reader = await tx.deliveries.getReaderEmail(event.site, mention.id);
        if (reader?.replies && reader.unsubscribedAt === null) readers.push(reader);
      }
      const thread = await tx.getThread(key);
      return { readers, threadTitle: thread?.title ?? event.thread, threadUrl: thread?.url ?? null };
    });
    if (!found) return [];
    return found.readers.map((reader) => {
      const unsubscribeUrl = `${this.options.publicUrl}${UNSUBSCRIBE_PATH}?t=${unsubscribeToken(site.email!.unsubscribeSecret, site.id, reader.userId, reader.address)}`;
      const text = [
        `${event.authorName} mentioned you on "${found.threadTitle}":`,
        '',
        excerpt(event.body),
        '',
        found.threadUrl ? `Read the discussion: ${found.threadUrl}` : null,
        `Stop these emails: ${unsubscribeUrl}`,
      ]
        .filter((line) => line !== null)
        .join('\n');
      const mail: StoredMail = { to: reader.address, subject: `${event.authorName} mentioned you on "${found.threadTitle}"`, text, unsubscribeUrl };
      return mailDelivery(event.site, 'mention', mail, event.at, `ml_mention_${event.site}_${event.commentId}_${reader.userId}`);
    });
  }
}

/** Sends an email delivery through SMTP; throws when the server does not accept it. */
export function mailSender(sites: SiteDirectory, options: MailOptions): { send: (d: DeliveryRecord) => Promise<void>; close: () => void } {
  // Loaded on the first email: every `parley` command (token, gates, migrate) starts without it.
  let transport: Transporter | null = null;
  return {
    send: async (delivery) => {
      transport ??= (await import('nodemailer')).default.createTransport(options.smtp);
      const email = sites.get(delivery.site)?.email;
      if (!email) throw new Error('the site no longer sends email');
      const mail = JSON.parse(delivery.body) as StoredMail;
      await transport.sendMail({
        from: email.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${delivery.id}@parley>`,
        headers: {
          'Parley-Delivery': delivery.id,
          ...(mail.unsubscribeUrl && { 'List-Unsubscribe': `<${mail.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }),
        },
      });
    },
    close: () => transport?.close(),
  };
}

const page = (res: ServerResponse, status: number, title: string, body: string): void => {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'x-content-type-options': 'nosniff',
  });
  res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title>` +
    `<body style="font:16px system-ui;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1 style="font-size:1.4rem">${title}</h1>${body}</body></html>`);
};

const escapeAttr = (text: string): string => text.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** `GET|POST /email/unsubscribe?t=…`; false for any other path. */
export async function handleUnsubscribe(req: IncomingMessage, res: ServerResponse, url: URL, store: Store, sites: SiteDirectory, logger: Logger): Promise<boolean> {
  if (url.pathname !== UNSUBSCRIBE_PATH) return false;
  const token = url.searchParams.get('t') ?? '';
  const who = token.length <= 2000 ? readUnsubscribeToken(sites, token) : null;
  if (!who) {
    page(res, 400, 'This unsubscribe link is not valid', '<p>It may have been cut short by your mail program. Use the link in the latest email you received.</p>');
    return true;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    page(res, 200, 'Stop reply emails?', `<p>No more emails to ${escapeAttr(who.address)} when someone replies to your comments on ${escapeAttr(who.site)}.</p>` +
      `<form method="post" action="${UNSUBSCRIBE_PATH}?t=${escapeAttr(encodeURIComponent(token))}"><button type="submit" style="font:inherit;padding:.5rem 1rem">Unsubscribe</button></form>`);
    return true;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'GET, HEAD, POST' }).end();
    return true;
  }
  // RFC 8058's body is `List-Unsubscribe=One-Click`; the form's is empty. Either is fine; read at most a little.
  for await (const chunk of req) if ((chunk as Buffer).length > 4096) break;
  await store.write((tx) => tx.deliveries.unsubscribeReader(who.site, who.userId, who.address, Date.now()));
  logger.info('reader unsubscribed from reply emails', { site: who.site, userId: who.userId });
  page(res, 200, 'You are unsubscribed', `<p>No more reply emails will be sent to ${escapeAttr(who.address)} from ${escapeAttr(who.site)}.</p>`);
  return true;
}
