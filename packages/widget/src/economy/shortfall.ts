/**
 * No dead ends ([W-E5], [W-E6]; the words are in shortfall-words.ts, a chunk of its own with its
 * English, i18n/en-shortfall.ts): the session's connection explains a refusal for want of Twei as it arrives.
 */
import { ErrorCodes, type EconomyRulesView, type WalletView } from '@parley/protocol';
import type { ThreadConnection } from '../state/connection.js';
import { loadEconomyChunk } from './earnings-loader.js';
import type { Translate } from '../i18n/translator.js';

export interface ShortfallContext {
  rules: EconomyRulesView | null;
  wallet: WalletView | null;
  /** The article's time to read, minutes; null when the page gave no way to know. */
  readMinutes: number | null;
  /** The thread's words. */
  t: Translate;
}

/**
 * The connection everything of one session uses, with refusals explained as they arrive, so the
 * failed comment, the reaction, the vote and the report all say the same true thing. Only an
 * `insufficient_funds` refusal waits for the words; everything else is passed on at once.
 */
export function withRefusalsExplained(connection: ThreadConnection, context: () => ShortfallContext): ThreadConnection {
  const request: ThreadConnection['request'] = (event, input, ack) =>
    connection.request(event, input, (answer) => {
      if (answer.ok || answer.error.code !== ErrorCodes.insufficientFunds) return ack(answer);
      // Usually loaded long before (at session start); if it cannot load, the server's words stand.
      loadEconomyChunk().then(
        (chunk) => ack({ ok: false, error: chunk.explainRefusal(answer.error, event, context()) }),
        () => ack(answer),
      );
    });
  return new Proxy(connection, {
    get(target, prop) {
      if (prop === 'request') return request;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
