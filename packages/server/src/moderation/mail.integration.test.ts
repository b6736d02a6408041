/**
 * Email notifications through nodemailer to a real SMTP server on 127.0.0.1 (the `smtp-server`
 * package), with one-click unsubscribe (SPEC MAIL-1…5).
 */
import type { CommentView } from '@parley/protocol';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, okData, rid, startTestServer, TEST_SECRET, TEST_SITE, type TestServer } from '../test-helpers.js';
import { readUnsubscribeToken, unsubscribeToken } from './mail.js';

interface Mail {
  to: string[];
  raw: string;
  header(name: string): string | undefined;
  subject: string | undefined;
}

async function startSmtp(): Promise<{ port: number; mails: Mail[]; waitFor(count: number): Promise<Mail[]> }> {
  const mails: Mail[] = [];
  const waiters: (() => void)[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        // Unfold headers (RFC 5322 §2.2.3) so a long one reads as one line.
        const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
        const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, header, subject: decodeWords(header('Subject')) });
        for (const wake of waiters.splice(0)) wake();
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
  return {
    port: (smtp.server.address() as AddressInfo).port,
    mails,
    waitFor: (count) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${mails.length} of ${count} emails arrived`)), 10_000);
        const check = (): void => {
          if (mails.length >= count) {
            clearTimeout(timer);
            resolve(mails);
          } else waiters.push(check);
        };
        check();
      }),
  };
}

const PUBLIC = 'http://parley.test';

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), as nodemailer writes a subject with quotes or non-ASCII. */
function decodeWords(text: string | undefined): string | undefined {
  return text
    ?.replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
    );
}

async function mailingServer(): Promise<{ server: TestServer; smtp: Awaited<ReturnType<typeof startSmtp>> }> {
  const smtp = await startSmtp();
  const server = await startTestServer({
    mail: { smtp: `smtp://127.0.0.1:${smtp.port}`, publicUrl: PUBLIC },
    deliveries: { pollMs: 20, baseDelayMs: 20 },
    sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], email: { from: 'Comments <comments@news.test>', moderators: ['mods@news.test', 'chief@news.test'] } }],
  });
  return { server, smtp };
}

/** The unsubscribe link of a mail, pointed at the test server. */
const linkOf = (server: TestServer, mail: Mail): string => mail.header('List-Unsubscribe')!.slice(1, -1).replace(PUBLIC, server.url);

describe('[MAIL-1] moderators hear of new flags', () => {
  it('[MAIL-1] the first flag of a comment emails every moderator address once; more flags send nothing more', async () => {
    const { server, smtp } = await mailingServer();
    const ann = await server.connect(await server.token('ann', { name: 'Ann' }));
    const posted = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Buy cheap watches' }));
    for (const flagger of ['zoe', 'yan', 'xia']) {
      const socket = await server.connect(await server.token(flagger));
      okData(await call(socket, 'comment:flag', { requestId: rid(), thread: 't', commentId: posted.comment.id, reason: 'spam' }));
    }
    const mails = await smtp.waitFor(2);
    expect(mails.map((m) => m.to).flat().sort()).toEqual(['chief@news.test', 'mods@news.test']);
    expect(mails[0]!.subject).toBe(`[${TEST_SITE}] A comment was flagged (spam)`);
    expect(mails[0]!.header('From')).toBe('Comments <comments@news.test>');
    expect(mails[0]!.raw).toContain('Buy cheap watches');
    expect(mails[0]!.raw).toContain(`${PUBLIC}/admin`);
    // A sentinel: a new comment's first flag. When its mails arrive, none came for the later flags above.
    const second = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Another' }));
    const zoe = await server.connect(await server.token('zoe'));
    okData(await call(zoe, 'comment:flag', { requestId: rid(), thread: 't', commentId: second.comment.id, reason: 'abuse' }));
    await smtp.waitFor(4);
    expect(smtp.mails).toHaveLength(4);
  });
});

describe('[MAIL-2] readers who opted in hear of replies', () => {
  it('[MAIL-2] a reply emails the opted-in author with RFC 8058 headers; self-replies and readers who did not opt in get nothing', async () => {
    const { server, smtp } = await mailingServer();
    const ann = await server.connect(await server.token('ann', { name: 'Ann', email: 'ann@example.com', email_replies: true } as never));
    const carl = await server.connect(await server.token('carl', { name: 'Carl', email: 'carl@example.com' } as never));
    const bob = await server.connect(await server.token('bob', { name: 'Bob' }));
    const annSays = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Root by Ann' }));
    const carlSays = okData(await call<{ comment: CommentView }>(carl, 'comment:post', { requestId: rid(), thread: 't', body: 'Root by Carl' }));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', parentId: annSays.comment.id, body: 'Ann adds to herself' }));
    okData(await call(bob, 'comment:post', { requestId: rid(), thread: 't', parentId: carlSays.comment.id, body: 'Bob answers Carl' }));
    okData(await call(bob, 'comment:post', { requestId: rid(), thread: 't', parentId: annSays.comment.id, body: 'Bob answers Ann' }));
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['ann@example.com']);
    expect(mail!.subject).toBe('Bob replied to you on "t"');
    expect(mail!.raw).toContain('Bob answers Ann');
    expect(mail!.header('List-Unsubscribe')).toMatch(new RegExp(`^<${PUBLIC}/email/unsubscribe\\?t=[\\w.-]+>$`));
    expect(mail!.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // Sentinel: another reply to Ann; only Ann's two mails ever arrive.
    okData(await call(bob, 'comment:post', { requestId: rid(), thread: 't', parentId: annSays.comment.id, body: 'Bob again' }));
    await smtp.waitFor(2);
    expect(smtp.mails.map((m) => m.to[0])).toEqual(['ann@example.com', 'ann@example.com']);
  });
});

describe('[MAIL-5] readers hear of @mentions', () => {
  it('[MAIL-5] a mention emails the opted-in reader it names, once; the writer, the parent\'s author (told of the reply) and readers who did not opt in get no mention email', async () => {
    const { server, smtp } = await mailingServer();
    const ann = await server.connect(await server.token('ann', { name: 'Ann', email: 'ann@example.com', email_replies: true } as never));
    const carl = await server.connect(await server.token('carl', { name: 'Carl', email: 'carl@example.com' } as never));
    const bob = await server.connect(await server.token('bob', { name: 'Bob', email: 'bob@example.com', email_replies: true } as never));
    okData(await call(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Ann was here first' }));
    okData(await call(carl, 'comment:post', { requestId: rid(), thread: 't', body: 'Carl too' }));
    const said = okData(await call<{ comment: CommentView }>(bob, 'comment:post', { requestId: rid(), thread: 't', body: 'Good points @Ann and @Carl, says @Bob' }));
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['ann@example.com']);
    expect(mail!.subject).toBe('Bob mentioned you on "t"');
    expect(mail!.raw).toContain('Good points');
    expect(mail!.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // Mentioned again in a reply to Bob's comment: a second mention email.
    okData(await call(bob, 'comment:post', { requestId: rid(), thread: 't', parentId: said.comment.id, body: 'And @Ann once more' }));
    await smtp.waitFor(2);
    // A reply to Ann that also mentions her: one email (the reply's), not two.
    const annSays = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Ann again' }));
    okData(await call(bob, 'comment:post', { requestId: rid(), thread: 't', parentId: annSays.comment.id, body: 'Replying to @Ann' }));
    await smtp.waitFor(3);
    // Sentinel: one more mention of Ann; exactly four mails ever arrive, all to Ann.
    okData(await call(carl, 'comment:post', { requestId: rid(), thread: 't', body: 'I agree with @Ann' }));
    await smtp.waitFor(4);
    expect(smtp.mails.map((m) => [m.to[0], m.subject])).toEqual([
      ['ann@example.com', 'Bob mentioned you on "t"'],
      ['ann@example.com', 'Bob mentioned you on "t"'],
      ['ann@example.com', 'Bob replied to you on "t"'],
      ['ann@example.com', 'Carl mentioned you on "t"'],
    ]);
  });
});

describe('[MAIL-3] one-click unsubscribe', () => {
  it('[MAIL-3] GET shows a button and changes nothing; the RFC 8058 POST unsubscribes; later replies send nothing', async () => {
    const { server, smtp } = await mailingServer();
    const ann = await server.connect(await server.token('ann', { name: 'Ann', email: 'ann@example.com', email_replies: true } as never));
    const bob = await server.connect(await server.token('bob', { name: 'Bob' }));
    const root = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Root' }));
    okData(await call(bob, 'comment:post', { requestId: rid(), thread: 't', parentId: root.comment.id, body: 'one' }));
    const [mail] = await smtp.waitFor(1);
    const link = linkOf(server, mail!);

    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('<form method="post"');
    expect(await server.store.read((tx) => tx.deliveries.getReaderEmail(TEST_SITE, 'ann'))).toMatchObject({ unsubscribedAt: null });

    const done = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are unsubscribed');
    expect(await server.store.read((tx) => tx.deliveries.getReaderEmail(TEST_SITE, 'ann'))).toMatchObject({ unsubscribedAt: expect.any(Number) });

    // Ann posting again with the same address keeps the unsubscribe.
    const again = okData(await call<{ comment: CommentView }>(ann, 'comment:post', { requestId: rid(), thread: 't', body: 'Root two' }));
    okData(await call(bob, 'comment:post', { requestId: rid(), thread: 't', parentId: again.comment.id, body: 'two' }));
    // Sentinel: a flag mail to the moderators arrives after the reply's would have.
    const zoe = await server.connect(await server.token('zoe'));
    okData(await call(zoe, 'comment:flag', { requestId: rid(), thread: 't', commentId: again.comment.id, reason: 'other' }));
    await smtp.waitFor(3);
    expect(smtp.mails.slice(1).map((m) => m.to[0]).sort()).toEqual(['chief@news.test', 'mods@news.test']);
  });

  it('[MAIL-3] a forged or altered token is refused; a token signs site, reader and address', async () => {
    const { server } = await mailingServer();
    const token = unsubscribeToken(TEST_SECRET, TEST_SITE, 'ann', 'ann@example.com');
    expect(readUnsubscribeToken(siteDirectory(), token)).toEqual({ site: TEST_SITE, userId: 'ann', address: 'ann@example.com' });
    const forged = unsubscribeToken('another-secret-0123456789abcdef0123', TEST_SITE, 'ann', 'ann@example.com');
    const [payload] = token.split('.');
    const swapped = `${Buffer.from(JSON.stringify([TEST_SITE, 'bob', 'ann@example.com'])).toString('base64url')}.${token.split('.')[1]}`;
    for (const bad of [forged, swapped, `${payload}.`, 'nonsense', '']) {
      const response = await fetch(`${server.url}/email/unsubscribe?t=${encodeURIComponent(bad)}`, { method: 'POST' });
      expect(response.status, bad).toBe(400);
    }
  });
});

function siteDirectory() {
  // The same site settings the server resolved: only its key verifies.
  return {
    get: (id: string) => (id === TEST_SITE ? { email: { unsubscribeSecret: TEST_SECRET } } : undefined),
  } as never;
}

describe('[MAIL-4] settings', () => {
  it('[MAIL-4] mail needs a public URL; a site email needs a from and valid moderator addresses', async () => {
    const { resolveConfig } = await import('../config.js');
    expect(() => resolveConfig({ mail: { smtp: 'smtp://127.0.0.1:25', publicUrl: '' } })).toThrowError(/publicUrl/);
    const { resolveSite } = await import('../sites/site-config.js');
    const base = { id: 'news', secret: TEST_SECRET, origins: ['same-origin'] };
    expect(() => resolveSite({ ...base, email: { from: 'c@news.test', moderators: ['not an address'] } })).toThrowError(/email.moderators/);
    expect(() => resolveSite({ id: 'keys', publicKeys: [{ alg: 'EdDSA', key: 'x' }], origins: ['same-origin'], email: { from: 'c@x.test' } })).toThrowError(/unsubscribeSecret is required/);
  });
});
