/** Economy test kit: a fake connection that also carries `wallet:update`, and sample answers. */
import type { EconomyState, PnlReport, WalletUpdate } from '@parley/protocol';
import { FakeConnection } from '../state/testing/fake-connection.js';

export class WalletFakeConnection extends FakeConnection {
  private readonly walletListeners = new Set<(update: WalletUpdate) => void>();

  onWallet(listener: (update: WalletUpdate) => void): () => void {
    this.walletListeners.add(listener);
    return () => this.walletListeners.delete(listener);
  }

  deliverWallet(update: WalletUpdate): void {
    this.walletListeners.forEach((listener) => listener(update));
  }
}

export const amounts = {
  pluses: 2,
  commentRewards: 3,
  likesOwn: 1,
  likesCommenter: 1,
  likesAuthor: 1,
  dislikesAuthor: 1,
  minuses: 1,
  commentTributes: 1,
  dislikesOwn: 1,
  dislikesCommenter: 1,
  publishTribute: 5,
  reports: 1,
};

export const state = (overrides: Partial<EconomyState> = {}): EconomyState => ({
  rules: { amounts, startingGrant: 10, readMsPerTwei: 20_000, readCapPerPost: 10, heartbeatMs: 10_000 },
  wallet: { balance: 10, readEarned: 0, readMs: 0 },
  author: 'staff',
  reports: [],
  ...overrides,
});

export const report = (id: string, boughtAt: number, reports = 1): PnlReport => ({
  id,
  thread: 't',
  boughtAt,
  price: 1,
  lines: { ...Object.fromEntries(Object.keys(amounts).map((k) => [k, 0])), commentRewards: 3, commentTributes: 1, reports } as PnlReport['lines'],
  profitSubtotal: 3,
  lossSubtotal: 1 + reports,
  total: 2 - reports,
});
