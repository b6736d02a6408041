import { describe, expect, it } from 'vitest';
import { WalletFakeConnection, state } from './testing.js';
import { loadEconomyChunk } from './earnings-loader.js';
import { withRefusalsExplained, type ShortfallContext } from './shortfall.js';
import { explainRefusal, shortfallMessage } from './shortfall-words.js';
import { duration } from './format.js';
import { englishOnly as en } from '../i18n/translator.js';

const rules = state().rules; // 1 Twei per 20 s of reading, up to 10; a beat every 10 s
const ctx = (wallet: Partial<ShortfallContext['wallet']> = {}, readMinutes: number | null = 4): ShortfallContext => ({
  rules,
  wallet: { balance: 0, readEarned: 0, readMs: 0, ...wallet },
  readMinutes,
  t: en,
});
const refusal = (need: number, balance: number) => ({
  code: 'insufficient_funds' as const,
  message: `This needs ${need} Twei and you have ${balance}. Read or comment to earn more.`,
  need,
  balance,
});

describe('refusals for want of Twei', () => {
  it('[W-E5] a refused comment at 0 Twei is told that reading this article earns it, and how long that takes', () => {
    const message = shortfallMessage('comment:post', 1, 0, ctx());
    expect(message).toBe(
      'Posting a comment costs 1 Twei and you have 0. Reading this article (about 4 min to read) earns 1 Twei for every 20 s ' +
        'you read, up to 10 Twei: about 20 s more reading earns what this needs. Your comment is kept here: send it again once you have.',
    );
    expect(message).not.toMatch(/comment to earn|Read or comment/i);
  });

  it('[W-E5] counts the reading already measured, and rounds up to the next heartbeat', () => {
    // 2 Twei credited, 45 s measured: the 3rd and 4th Twei need 80 s, 35 s more → the beat after: 40 s.
    expect(shortfallMessage('post:vote', 2, 0, ctx({ readEarned: 2, readMs: 45_000 }))).toContain(
      'This vote costs 2 Twei and you have 0. Reading this article (about 4 min to read) earns 1 Twei for every 20 s you read, up to 10 Twei: about 40 s more reading',
    );
    expect(shortfallMessage('report:buy', 3, 1, ctx({}, null))).toContain(
      'A report costs 3 Twei and you have 1. Reading this article earns 1 Twei for every 20 s you read, up to 10 Twei: about 40 s more',
    );
  });

  it('[W-E5] once this article’s reading cap is reached, it points at other articles, not at this one', () => {
    expect(shortfallMessage('comment:react', 1, 0, ctx({ readEarned: 10, readMs: 200_000 }))).toBe(
      'This reaction costs 1 Twei and you have 0. You have earned the 10 Twei reading this article pays; other articles here pay 1 Twei for every 20 s you read, up to 10 Twei each.',
    );
    expect(shortfallMessage('comment:react', 5, 0, ctx({ readEarned: 8, readMs: 160_000 }))).toBe(
      'This reaction costs 5 Twei and you have 0. Reading the rest of this article (about 4 min to read) earns 2 Twei more in about 40 s; other articles here pay for reading too.',
    );
    expect(`${duration(en, 90_000)} | ${duration(en, 240_000)} | ${duration(en, 1)}`).toBe('1 min 30 s | 4 min | 1 s');
  });

  it('[W-E5] a debt is repaid first, so reading must cover it too; at today’s cap it says reading pays again tomorrow', () => {
    expect(shortfallMessage('comment:post', 1, 0, ctx({ debt: 2 }))).toContain(
      'Posting a comment costs 1 Twei and you have 0. You owe 2 Twei, which credits repay first. Reading this article (about 4 min to read) earns 1 Twei for every 20 s you read, up to 10 Twei: about 1 min more reading earns what this needs.',
    );
    expect(shortfallMessage('comment:post', 1, 0, ctx({ earnedToday: 60, dailyEarnCap: 60 }))).toBe(
      "Posting a comment costs 1 Twei and you have 0. You have earned today's most on this site (60 Twei); reading pays again from tomorrow (UTC). Your comment is kept here: send it again once you have.",
    );
    expect(shortfallMessage('post:vote', 3, 0, ctx({ earnedToday: 59, dailyEarnCap: 60 }))).toBe(
      "This vote costs 3 Twei and you have 0. Reading this article (about 4 min to read) earns 1 Twei more in about 20 s, the rest of today's most on this site; reading pays again from tomorrow (UTC).",
    );
  });

  it('[W-E6] other refusals, and refusals of requests that cost nothing, keep the server’s message', () => {
    const limited = { code: 'rate_limited' as const, message: 'Slow down.' };
    expect(explainRefusal(limited, 'comment:post', ctx())).toBe(limited);
    expect(explainRefusal(refusal(1, 0), 'thread:join', ctx())).toEqual(refusal(1, 0));
    expect(explainRefusal({ code: 'insufficient_funds', message: 'no details' }, 'comment:post', ctx()).message).toBe('no details');
  });

  it('[W-E5] the session’s connection explains a refusal as it arrives and passes everything else through', async () => {
    const raw = new WalletFakeConnection();
    const connection = withRefusalsExplained(raw, () => ctx());
    const seen: unknown[] = [];
    connection.request('comment:post', { requestId: 'r', thread: 't', body: 'hi' } as never, (ack) => seen.push(ack));
    raw.refuse('comment:post', refusal(1, 0));
    await loadEconomyChunk(); // the words come with the <parley-earnings> chunk
    await Promise.resolve();
    expect(seen[0]).toMatchObject({ ok: false, error: { code: 'insufficient_funds', need: 1, balance: 0 } });
    expect((seen[0] as { error: { message: string } }).error.message).toMatch(/^Posting a comment costs 1 Twei and you have 0\. Reading this article/);
    const updates: number[] = [];
    connection.onWallet!((u) => updates.push(u.balance));
    raw.deliverWallet({ balance: 3, thread: null, readEarned: null });
    raw.setStatus('connected');
    expect([updates, connection.status]).toEqual([[3], 'connected']);
    connection.request('thread:join', { thread: 't' } as never, (ack) => seen.push(ack));
    raw.refuse('thread:join', { code: 'not_found', message: 'No such thread.' });
    expect(seen[1]).toEqual({ ok: false, error: { code: 'not_found', message: 'No such thread.' } }); // at once, as it came
  });
});
