/**
 * A reader whose network drops: misses events while away, comes back with the same thread as
 * everyone else; a comment posted whose acknowledgement was lost is stored exactly once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { attrOf, bodies, commentByText, eventually, openSteadyAndFlaky, postComment, textOf, type Reader } from './harness.js';
import type { TcpProxy } from './tcp-proxy.js';

describe('a reader on a flaky network', () => {
  let proxy: TcpProxy;
  let steady: Reader;
  let flaky: Reader;

  beforeAll(async () => {
    ({ proxy, steady, flaky } = await openSteadyAndFlaky('muchacha', 'manolo'));
  });

  it('misses events while offline and catches up on reconnect', async () => {
    proxy.cut();
    await eventually(() => attrOf(flaky.page.locator('[part~="status"]'), 'data-status')).not.toBe('connected');
    await postComment(steady.page, 'Posted while Manolo was in a tunnel.');
    await commentByText(steady.page, 'Posted while Manolo was in a tunnel.').locator('[part~="author-name"]').waitFor();
    const target = commentByText(steady.page, 'This is a positive diplomatic move.');
    await target.locator('button[part~="like"]').first().click();
    await eventually(() => textOf(target.locator('button[part~="like"]').first())).toContain('1');
    proxy.restore();
    await eventually(() => attrOf(flaky.page.locator('[part~="status"]'), 'data-status'), 15_000).toBe('connected');
    await eventually(() => commentByText(flaky.page, 'Posted while Manolo was in a tunnel.').count()).toBe(1);
    const liked = commentByText(flaky.page, 'This is a positive diplomatic move.').locator('button[part~="like"]');
    await eventually(() => textOf(liked)).toContain('1');
    expect(await bodies(flaky.page)).toEqual(await bodies(steady.page));
  });

  it('a comment whose acknowledgement was lost is retried after reconnect and stored once', async () => {
    const text = 'Sent just as the train entered the tunnel';
    const lostAck = proxy.cutOnReply(text);
    await postComment(flaky.page, text);
    await lostAck;
    const mine = commentByText(flaky.page, text);
    await eventually(() => attrOf(mine, 'data-state')).toBe('pending');
    // The server did store it: the steady reader already sees it.
    await eventually(() => commentByText(steady.page, text).count()).toBe(1);
    proxy.restore();
    await eventually(() => attrOf(mine, 'data-state'), 15_000).toBe('sent');
    await eventually(() => flaky.page.locator('[part~="comment"]', { hasText: text }).count()).toBe(1);
    await eventually(() => steady.page.locator('[part~="comment"]', { hasText: text }).count()).toBe(1);
    await flaky.page.reload();
    await flaky.page.locator('[part~="comment"]').first().waitFor();
    await eventually(() => flaky.page.locator('[part~="comment"]', { hasText: text }).count()).toBe(1);
    expect(await bodies(flaky.page)).toEqual(await bodies(steady.page));
  });
});
