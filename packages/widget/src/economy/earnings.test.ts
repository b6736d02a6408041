// @vitest-environment happy-dom
import { englishOnly } from '../i18n/translator.js';
import { describe, expect, it } from 'vitest';
import './define-earnings.js';
import '../thread/live-parts.js'; // the report's status, picker and problem come with the live parts [PAINT-15]
import type { ParleyEarnings } from './earnings.js';
import { EconomyStore } from './economy-store.js';
import { WalletFakeConnection, report, state } from './testing.js';
import { reportDate } from './format.js';

async function mount(signedIn = true) {
  const connection = new WalletFakeConnection();
  const store = new EconomyStore(connection, { thread: 't' });
  connection.setStatus('connected');
  const el = document.createElement('parley-earnings') as ParleyEarnings;
  el.store = store;
  el.readMinutes = 4;
  el.signedIn = signedIn;
  document.body.append(el);
  await el.updateComplete;
  const part = (name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`);
  const text = (name: string) => part(name)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
  const render = async () => {
    await el.updateComplete;
    await el.updateComplete;
  };
  return { connection, store, el, part, text, render };
}

describe('<parley-earnings>', () => {
  it('shows the reference page’s blocks with "..." until a report is bought', async () => {
    const { connection, el, text, render } = await mount();
    connection.answer('economy:state', state());
    await render();
    expect(text('read-time')).toBe('4 min');
    expect(text('earned')).toBe('You earned: None');
    expect(text('balance')).toBe('10 Twei');
    const cells = [...el.shadowRoot!.querySelectorAll('td')].map((td) => td.textContent?.trim());
    expect(cells).toHaveLength(14);
    expect(new Set(cells)).toEqual(new Set(['...']));
    expect(text('total')).toBe('Total Twei Earned: ...');
    expect(text('report-price')).toBe('Price for report instance: 1 Twei');
    expect(text('buy-report')).toBe('Get report — 1 Twei');
  });

  it('buys a report on click and shows its lines, subtotals and total', async () => {
    const { connection, part, text, el, render } = await mount();
    connection.answer('economy:state', state());
    await render();
    (part('buy-report') as HTMLButtonElement).click();
    await render();
    expect(text('buy-report')).toBe('Buying…');
    connection.answer('report:buy', report('r1', Date.UTC(2025, 9, 29, 12)));
    await render();
    const row = (category: string) => el.shadowRoot!.querySelector(`tr[data-category="${category}"] td`)?.textContent?.trim();
    expect([row('commentRewards'), row('commentTributes'), row('reports'), row('pluses')]).toEqual(['3', '1', '1', '0']);
    expect(text('profit-subtotal')).toBe('Profit Subtotal, Twei 3');
    expect(text('loss-subtotal')).toBe('Loss Subtotal, Twei 2');
    expect(text('total')).toBe('Total Twei Earned: 1');
  });

  it('turns "You earned: None" into what reading earned, live', async () => {
    const { connection, text, render } = await mount();
    connection.answer('economy:state', state());
    connection.deliverWallet({ balance: 12, thread: 't', readEarned: 2 });
    await render();
    expect(text('earned')).toBe('You earned: 2 Twei');
    expect(text('balance')).toBe('12 Twei');
  });

  it('[W-E15] tells a reader who reached the daily earning cap, instead of promising what reading earns', async () => {
    const { connection, part, render } = await mount();
    connection.answer('economy:state', state());
    connection.deliverWallet({ balance: 70, thread: 't', readEarned: 4, earnedToday: 60, dailyEarnCap: 60 });
    await render();
    expect(part('read-hint')?.textContent).toContain("You have earned today's most on this site (60 Twei)");
    connection.deliverWallet({ balance: 70, thread: 't', readEarned: 4, earnedToday: 12, dailyEarnCap: 60 });
    await render();
    expect(part('read-hint')?.textContent).toContain('Earn up to 10 Twei for reading this post');
  });

  it('shows a guest the prices but no balance and no buy button', async () => {
    const { connection, part, render, el } = await mount(false);
    connection.answer('economy:state', state({ wallet: null }));
    await render();
    expect(part('balance')).toBeNull();
    expect(part('buy-report')).toBeNull();
    expect(el.shadowRoot!.textContent).toContain('Sign in to earn up to 10 Twei for reading this post');
    expect(part('prices')?.querySelector('[data-action="comment"]')?.textContent).toContain('−1 Twei tribute');
  });

  it('[W-E7] after a purchase shows the bought report as up to date, with no button, until something moves', async () => {
    const { connection, part, text, render } = await mount();
    connection.answer('economy:state', state());
    await render();
    (part('buy-report') as HTMLButtonElement).click();
    connection.answer('report:buy', report('r1', Date.UTC(2025, 9, 29, 12)));
    connection.deliverWallet({ balance: 9, thread: 't', readEarned: null });
    await render();
    expect(part('buy-report')).toBeNull();
    expect(text('report-status')).toBe('Up to date — nothing has moved on this post since this report');
    expect(text('total')).toBe('Total Twei Earned: 1');
    connection.deliverWallet({ balance: 10, thread: 't', readEarned: null });
    connection.deliverWallet({ balance: 11, thread: 't', readEarned: null });
    await render();
    expect(text('report-status')).toBe('2 new movements since your last report');
    expect(text('buy-report')).toBe('Get new report — 1 Twei');
  });

  it('[W-E8] a report from before this visit is shown, and a new one offered as such', async () => {
    const { connection, text, render } = await mount();
    connection.answer('economy:state', state({ reports: [report('old', Date.UTC(2025, 9, 28))] }));
    await render();
    expect(text('report-status')).toBe(`This report is from ${reportDate(englishOnly, Date.UTC(2025, 9, 28))} — a new one shows anything that moved since`);
    expect(text('buy-report')).toBe('Get new report — 1 Twei');
  });
});
