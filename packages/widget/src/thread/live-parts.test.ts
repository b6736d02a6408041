// @vitest-environment happy-dom
/**
 * [PAINT-15] The thread's live parts (the composer, the economy's live store, the moderation desk, a
 * comment's inline forms) are not needed for a first paint: this file does not import their chunk,
 * as parley.js does not, and loads it the way the widget does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../index.js';
import type { ParleyComment } from '../comment/comment.js';
import type { DisplayComment } from '../state/display.js';
import { ThreadEconomy } from '../economy/thread-economy.js';
import { EconomyStore } from '../economy/economy-store.js';
import { WalletFakeConnection, state } from '../economy/testing.js';
import { FakeConnection } from '../state/testing/fake-connection.js';
import { THREAD, bella, comment, omar, snapshot, viewer } from '../state/testing/fixtures.js';
import { loadLiveParts, loadedLiveParts } from './live-parts-loader.js';

const display = (overrides: Partial<DisplayComment> = {}): DisplayComment => ({
  id: 'c1', requestId: null, rootId: 'c1', parentId: null, depth: 0, replyToName: null, author: omar,
  body: 'Hello', createdAt: Date.now() - 60_000, edited: false, deleted: false, likes: 0, dislikes: 0,
  myReaction: null, state: 'sent', error: null, own: false, ...overrides,
});

afterEach(() => {
  document.body.replaceChildren();
  sessionStorage.clear();
});

describe('[PAINT-15] the live parts load after the first paint', () => {
  it('[PAINT-15] a comment\'s form opened before the live parts are in shows once they are', async () => {
    expect(loadedLiveParts()).toBeNull();
    const el = document.createElement('parley-comment') as ParleyComment;
    el.comment = display();
    el.signedIn = true;
    document.body.append(el);
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[part~="reply"]')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="reply-composer"]')).toBeNull();
    expect(customElements.get('parley-composer')).toBeUndefined();
    await loadLiveParts();
    await el.updateComplete;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="reply-composer"]')).not.toBeNull();
    expect(customElements.get('parley-composer')).toBeDefined();
  });

  it('[PAINT-15] the Twei blocks draw from the page\'s rules before the live store exists, which takes them over', async () => {
    const host = document.createElement('div');
    host.setAttribute('read-time', '4');
    document.body.append(host);
    const economy = new ThreadEconomy(host);
    let changes = 0;
    economy.subscribe(() => changes++);
    economy.store.prime({ rules: state().rules, mode: 'compact' });
    expect(economy.store).not.toBeInstanceOf(EconomyStore);
    expect([economy.store.rules?.readCapPerPost, economy.mode, economy.store.wallet, economy.store.freshness]).toEqual([10, 'compact', null, { kind: 'none' }]);

    const parts = await loadLiveParts();
    const connection = new WalletFakeConnection();
    const viewerSource = { viewer: { user: { id: bella.id } }, subscribe: () => () => {} };
    parts.driveEconomy(economy, connection, THREAD, viewerSource);
    // The live store keeps the page's rules until economy:state answers: nothing the blocks show moves.
    expect(economy.store).toBeInstanceOf(EconomyStore);
    expect([economy.store.rules?.readCapPerPost, economy.mode]).toEqual([10, 'compact']);
    expect(changes).toBeGreaterThan(0);
    connection.setStatus('connected');
    connection.answer('economy:state', state({ wallet: { balance: 7, readEarned: 0, readMs: 0 } }));
    expect(economy.store.wallet?.balance).toBe(7);
    economy.dispose();
  });

  it('[PAINT-15] a connector given by a test loads the live parts at once: the desk and the economy store are there once it joins', async () => {
    const el = document.createElement('parley-thread');
    let connection!: FakeConnection;
    el.connector = () => (connection = new WalletFakeConnection());
    el.thread = THREAD;
    document.body.append(el);
    await el.updateComplete;
    await loadLiveParts();
    connection.setStatus('connected');
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 })], { viewer: viewer(bella) }));
    expect(connection.requests('economy:state')).toHaveLength(1);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="comment"]')).not.toBeNull();
  });
});
