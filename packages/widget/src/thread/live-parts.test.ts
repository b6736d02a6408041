// @vitest-environment happy-dom
/**
 * [PAINT-15] The thread's live parts (the composer, the economy's live store, the moderation desk, a
 * comment's inline forms) are not needed for a first paint: this file does not import their chunk,
 * as parley.js does not, and loads it the way the widget does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../index.js';
import { DeferredConnection } from '../transport/deferred-connection.js';
import { ThreadEconomy } from '../economy/thread-economy.js';
import { EconomyStore } from '../economy/economy-store.js';
import { WalletFakeConnection, state } from '../economy/testing.js';
import { FakeConnection } from '../state/testing/fake-connection.js';
import { THREAD, bella, comment, snapshot, viewer } from '../state/testing/fixtures.js';
import { loadLiveParts, loadedLiveParts } from './live-parts-loader.js';

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
  sessionStorage.clear();
});

describe('[PAINT-15] the live parts load after the first paint', () => {
  it('[PAINT-15] a like and a reply form taken before the live parts are in are done and shown once they are', async () => {
    expect(loadedLiveParts()).toBeNull();
    // The widget's own path: a DeferredConnection (its loader held here, so the parts do not come with
    // it), a first page that cannot be had (nothing listens on port 9), then the socket's join.
    let connection!: FakeConnection;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const el = document.createElement('parley-thread');
    el.server = 'http://127.0.0.1:9';
    el.connector = (server, token, site) =>
      new DeferredConnection(server, token, site, async () => {
        await held;
        return () => (connection = new FakeConnection());
      });
    el.thread = THREAD;
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    document.body.append(el);
    await vi.waitFor(() => expect(el.shadowRoot!.querySelector('[part~="problem"]')).not.toBeNull());
    release();
    await vi.waitFor(() => expect(connection).toBeDefined());
    connection.setStatus('connected');
    connection.answer('thread:join', snapshot([comment('a', { seq: 1 })], { viewer: viewer(bella) }));
    await el.updateComplete;
    const inComment = (selector: string) =>
      el.shadowRoot!.querySelector('parley-comment')!.shadowRoot!.querySelector<HTMLElement>(selector);
    await vi.waitFor(() => expect(inComment('button[part~="like"]')).not.toBeNull());
    inComment('button[part~="like"]')!.click();
    inComment('button[part~="reply"]')!.click();
    await el.updateComplete;
    expect(connection.requests('comment:react')).toHaveLength(0);
    expect(inComment('[part~="reply-composer"]')).toBeNull();

    await loadLiveParts();
    expect(connection.requests('comment:react').map((r) => r.input)).toMatchObject([{ commentId: 'a', value: 'like' }]);
    await vi.waitFor(() => expect(inComment('[part~="reply-composer"]')).not.toBeNull());
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
