// @vitest-environment happy-dom
/** The economy inside `<parley-thread>`: modes (site and page), and a refused comment that says what earns. */
import { afterEach, describe, expect, it } from 'vitest';
import type { EconomyMode } from '@parley/protocol';
import '../index.js';
import '../thread/live-parts.js'; // <parley-composer>, the economy's store, the desk, the inline forms [PAINT-15]
import type { ParleyThread } from '../thread/thread.js';
import { THREAD, bella, comment, snapshot, viewer } from '../state/testing/fixtures.js';
import { WalletFakeConnection, state } from './testing.js';
import { loadEarnings, loadEconomyChunk } from './earnings-loader.js';

async function settled(el: ParleyThread): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await el.updateComplete;
    const inner = [...el.shadowRoot!.querySelectorAll('parley-earnings, parley-comment, parley-composer')] as unknown as {
      updateComplete: Promise<unknown>;
    }[];
    await Promise.all(inner.map((c) => c.updateComplete));
  }
}

/** A joined thread as Bella, with the site's economy in `siteMode` and the page asking for `page`. */
async function open({ page, siteMode, balance = 10 }: { page?: string; siteMode?: EconomyMode; balance?: number } = {}) {
  const el = document.createElement('parley-thread');
  let connection!: WalletFakeConnection;
  el.connector = () => (connection = new WalletFakeConnection());
  el.thread = THREAD;
  el.setAttribute('read-time', '4');
  if (page !== undefined) el.setAttribute('economy', page);
  document.body.append(el);
  await settled(el);
  connection.setStatus('connected');
  connection.answer('thread:join', snapshot([comment('a', { seq: 1 })], { viewer: viewer(bella) }));
  connection.answer('economy:state', state({ ...(siteMode && { mode: siteMode }), wallet: { balance, readEarned: 0, readMs: 0 } }));
  await loadEarnings(); // the Twei blocks are a chunk of their own, loaded when the session starts
  await settled(el);
  const earnings = () => el.shadowRoot!.querySelector('parley-earnings')?.shadowRoot ?? null;
  const part = (name: string) => earnings()?.querySelector(`[part~="${name}"]`) ?? null;
  const text = (name: string) => part(name)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
  const threadPart = (name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`);
  return { el, connection, earnings, part, text, threadPart };
}

afterEach(() => {
  document.body.replaceChildren();
  sessionStorage.clear();
});

describe('economy modes in <parley-thread>', () => {
  it('[W-E13] full is the default: the three reference blocks and the cost under the composer', async () => {
    const { part, threadPart } = await open();
    expect([part('read-to-earn'), part('pnl'), part('comment-to-earn')].every(Boolean)).toBe(true);
    expect(part('economy-line')).toBeNull();
    expect(threadPart('comment-price')?.textContent?.trim()).toBe('Posting costs a 1 Twei tribute and earns 3 Twei.');
  });

  it('[W-E11] off: no Twei block and no cost hint anywhere; [W-E10] the site still runs it, so reading still counts', async () => {
    const { el, earnings, threadPart, connection } = await open({ page: 'off' });
    expect(earnings()).toBeNull();
    expect(threadPart('comment-price')).toBeNull();
    expect(el.shadowRoot!.textContent).not.toContain('Twei');
    expect(connection.requests('read:heartbeat').length).toBeGreaterThan(0);
  });

  it('[W-E10] a site with the economy off: nothing shown, and no read heartbeats at all', async () => {
    const { el, earnings, connection } = await open({ siteMode: 'off' });
    expect(earnings()).toBeNull();
    expect(el.shadowRoot!.textContent).not.toContain('Twei');
    expect(connection.requests('read:heartbeat')).toHaveLength(0);
  });

  it('[W-E12] compact: one line — balance, what reading this post earned, a Report button that opens the report card', async () => {
    const { part, text, connection, el } = await open({ page: 'compact' });
    expect([part('read-to-earn'), part('comment-to-earn'), part('pnl')]).toEqual([null, null, null]);
    expect(text('balance')).toBe('Balance 10 Twei');
    expect(text('earned')).toBe('Earned reading None of 10');
    connection.deliverWallet({ balance: 12, thread: THREAD, readEarned: 2 });
    await settled(el);
    expect(text('earned')).toBe('Earned reading 2 Twei of 10');
    const toggle = part('report-toggle') as HTMLButtonElement;
    expect([toggle.textContent?.trim(), toggle.getAttribute('aria-expanded')]).toEqual(['Report', 'false']);
    toggle.click();
    await settled(el);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(text('buy-report')).toBe('Get report — 1 Twei');
    expect(text('total')).toBe('Total Twei Earned: ...');
  });

  it('[W-E9] the page can only reduce what the site allows, and a change of the attribute applies at once', async () => {
    const reduced = await open({ siteMode: 'compact', page: 'full' });
    expect([reduced.part('economy-line') !== null, reduced.part('read-to-earn')]).toEqual([true, null]);
    reduced.el.setAttribute('economy', 'off');
    await settled(reduced.el);
    expect(reduced.earnings()).toBeNull();
    reduced.el.setAttribute('economy', 'nonsense'); // = full, which the site caps at compact
    await settled(reduced.el);
    expect(reduced.part('economy-line')).not.toBeNull();
    document.body.replaceChildren();
    const page = await open({ page: 'COMPACT' });
    expect(page.part('economy-line')).not.toBeNull();
    page.el.removeAttribute('economy');
    await settled(page.el);
    expect(page.part('read-to-earn')).not.toBeNull();
  });

  it('[W-E5] a comment refused at 0 Twei stays, saying that reading this article earns the tribute and how long it takes', async () => {
    const { el, connection } = await open({ balance: 0 });
    const composer = el.shadowRoot!.querySelector('[part~="composer"]')!;
    const input = composer.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea[part~="composer-input"]')!;
    input.value = 'First!';
    input.dispatchEvent(new Event('input'));
    await settled(el);
    composer.shadowRoot!.querySelector<HTMLButtonElement>('button[part~="composer-submit"]')!.click();
    await settled(el);
    connection.refuse('comment:post', {
      code: 'insufficient_funds',
      message: 'This needs 1 Twei and you have 0. Read or comment to earn more.',
      need: 1,
      balance: 0,
    });
    await loadEconomyChunk(); // the words of a refusal for want of Twei are a chunk of their own
    await settled(el);
    await settled(el);
    const failed = el.shadowRoot!.querySelector('[part~="comment"][data-state="failed"]')!;
    const notice = failed.shadowRoot!.querySelector('[part~="error"]')?.textContent?.replace(/\s+/g, ' ').trim();
    expect(notice).toContain(
      'Not sent — Posting a comment costs 1 Twei and you have 0. Reading this article (about 4 min to read) earns 1 Twei for every 20 s you read, up to 10 Twei: about 20 s more reading earns what this needs.',
    );
    expect(notice).not.toContain('Read or comment');
  });

  it('[W-E1] a guest’s economy answer for a reader who is signed in by the first join is fetched again, once', async () => {
    const el = document.createElement('parley-thread');
    let connection!: WalletFakeConnection;
    el.connector = () => (connection = new WalletFakeConnection());
    el.thread = THREAD;
    document.body.append(el);
    await settled(el);
    connection.setStatus('connected');
    connection.answer('economy:state', state({ wallet: null })); // answered for the handshake's guest
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 })], { viewer: viewer(bella) }));
    expect(connection.requests('economy:state')).toHaveLength(2);
    connection.answer('economy:state', state({ wallet: null })); // a server that still says "guest": no loop
    expect(connection.requests('economy:state')).toHaveLength(2);
  });

  it('[W-E14] a reader who cannot afford the tribute is told before writing what reading this article pays', async () => {
    const { threadPart, connection, el } = await open({ balance: 0 });
    const price = () => threadPart('comment-price')?.textContent?.replace(/\s+/g, ' ').trim();
    expect(price()).toBe('Posting costs a 1 Twei tribute and earns 3 Twei. You have 0: reading this article pays 1 Twei every 20 s.');
    connection.deliverWallet({ balance: 0, thread: THREAD, readEarned: 10 }); // this article's cap reached
    await settled(el);
    expect(price()).toBe('Posting costs a 1 Twei tribute and earns 3 Twei. You have 0.');
    connection.deliverWallet({ balance: 1, thread: null, readEarned: null });
    await settled(el);
    expect(price()).toBe('Posting costs a 1 Twei tribute and earns 3 Twei.');
  });
});
