/**
 * What `<parley-earnings>` and the thread draw the Twei blocks from: an EconomyStore once the live
 * parts are in (economy-store.ts, in their chunk [PAINT-15]); before that, the page's rules and mode
 * alone [PAINT-8], which is all a first paint shows (no wallet yet: "..." where the balance goes).
 */
import type { EconomyMode, EconomyRulesView, ParleyError, PnlReport, WalletView } from '@parley/protocol';

/** What is known of the newest report's freshness ([W-E7], [W-E8]). */
export type ReportFreshness =
  | { kind: 'none' }
  | { kind: 'current' }
  | { kind: 'changed'; movements: number }
  | { kind: 'unknown' };

export interface EconomyView {
  readonly rules: EconomyRulesView | null;
  /** The site's economy mode; undefined = not said (an older server: full). */
  readonly mode: EconomyMode | undefined;
  readonly wallet: WalletView | null;
  readonly reports: readonly PnlReport[];
  readonly shownReport: PnlReport | null;
  readonly freshness: ReportFreshness;
  readonly buying: boolean;
  readonly error: ParleyError | null;
  subscribe(listener: () => void): () => void;
  buyReport(): void;
  showReport(id: string): void;
  /** [PAINT-8] The rules and mode of the first page, until `economy:state` answers. */
  prime(state: { rules: EconomyRulesView; mode?: EconomyMode | undefined }): void;
  dispose(): void;
}

/**
 * [PAINT-15] The economy of a first paint: the page's rules and mode. It buys nothing, as the store
 * buys nothing before it knows the reader's wallet: a report is bought once the wallet is shown.
 */
export class PrimedEconomy implements EconomyView {
  rules: EconomyRulesView | null = null;
  mode: EconomyMode | undefined = undefined;
  readonly wallet = null;
  readonly reports: readonly PnlReport[] = [];
  readonly shownReport = null;
  readonly freshness: ReportFreshness = { kind: 'none' };
  readonly buying = false;
  readonly error = null;
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  buyReport(): void {}

  showReport(): void {}

  prime(state: { rules: EconomyRulesView; mode?: EconomyMode | undefined }): void {
    if (this.rules) return;
    this.rules = state.rules;
    this.mode = state.mode;
    this.listeners.forEach((listener) => listener());
  }

  dispose(): void {
    this.listeners.clear();
  }
}
