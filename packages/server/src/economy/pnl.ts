import { LossCategories, ProfitCategories, type PnlCategory, type PnlReport } from '@parley/protocol';
import type { CategoryFlows } from '../store/ledger-types.js';

/**
 * A reader's twelve categories on one post, from the ledger alone: a profit category is what the
 * treasury paid them minus what undoing took back; a loss category is what they paid minus refunds.
 */
export function pnlLines(flows: CategoryFlows): Pick<PnlReport, 'lines' | 'profitSubtotal' | 'lossSubtotal' | 'total'> {
  const lines = {} as Record<PnlCategory, number>;
  let profitSubtotal = 0;
  let lossSubtotal = 0;
  for (const category of ProfitCategories) {
    const flow = flows.get(category);
    lines[category] = flow ? flow.in - flow.out : 0;
    profitSubtotal += lines[category];
  }
  for (const category of LossCategories) {
    const flow = flows.get(category);
    lines[category] = flow ? flow.out - flow.in : 0;
    lossSubtotal += lines[category];
  }
  return { lines, profitSubtotal, lossSubtotal, total: profitSubtotal - lossSubtotal };
}
