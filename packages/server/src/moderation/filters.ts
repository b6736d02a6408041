/**
 * Plugs the built-in filters and notifications into a server's moderation hub (hub.ts):
 *
 * - screeners: the site's suspect words (hold), the spam heuristics (hold), the external hook
 *   (its verdict; a failure holds). Banned words are refused inside the post and edit commands
 *   themselves (words.ts `refuseBannedWords`), with their own error code;
 * - listeners: moderation events become webhook deliveries and emails in the durable outbox,
 *   sent by one delivery worker per server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { SiteDirectory } from '../sites/site-config.js';
import type { NewDelivery } from '../store/delivery-store.js';
import type { Store } from '../store/types.js';
import { logHold } from '../transport/activity-log.js';
import { DeliveryWorker, type DeliveryTiming } from './delivery-worker.js';
import { hookScreener } from './hook.js';
import type { ModerationHub } from './hub.js';
import { handleUnsubscribe, mailSender, MailNotifier, type MailOptions } from './mail.js';
import { WebhookEvents } from './site-filters.js';
import { SpamGuard } from './spam.js';
import type { ScreenInput, ScreenVerdict } from './verdict.js';
import { webhookDeliveries, webhookSender } from './webhooks.js';

export interface FilterDeps {
  hub: ModerationHub;
  store: Store;
  sites: SiteDirectory;
  logger: Logger;
  /** SMTP and the public URL; without it no email is sent (sites' `email` settings wait for it). */
  mail?: MailOptions | undefined;
  deliveries?: DeliveryTiming | undefined;
}

export interface InstalledFilters {
  /** Answers the unsubscribe links; false for any other request. */
  handleHttp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  worker: DeliveryWorker;
  close(): Promise<void>;
}

/** Suspect words hold (SPEC WORDS-6). */
export function suspectWordsScreener(input: ScreenInput): ScreenVerdict | null {
  if (input.site.words.empty) return null;
  const { banned, suspect } = input.site.words.match(input.body);
  // Banned words are refused in the transaction, with their own code; a hold would only hide that.
  if (banned.length > 0 || suspect.length === 0) return null;
  return { action: 'hold', reasons: [`suspect words: ${suspect.map((term) => `"${term}"`).join(', ')}`], tags: ['words'] };
}

export function installFilters(deps: FilterDeps): InstalledFilters {
  const { hub, store, sites, logger } = deps;
  const guard = new SpamGuard();
  // Only what some site uses is registered: a server without filters screens nothing, at no cost.
  const uses = (has: (site: SiteDirectory['sites'][number]) => boolean): boolean => sites.sites.some(has);
  const unregister = [
    ...(uses((site) => !site.words.empty) ? [hub.registerScreener('words', suspectWordsScreener)] : []),
    ...(uses((site) => site.spam !== null)
      ? [
          hub.registerScreener('spam', async (input) => {
            const rules = input.site.spam;
            if (!rules) return null;
            const xp = await store.read((tx) => tx.getXp(input.site.id, input.author.id));
            return guard.check(rules, input, { newReader: xp === 0, composeMs: input.composeMs });
          }),
        ]
      : []),
    ...(uses((site) => site.hook !== null) ? [hub.registerScreener('hook', hookScreener(logger))] : []),
  ];

  const mailer = deps.mail ? mailSender(sites, deps.mail) : null;
  const worker = new DeliveryWorker(
    store,
    {
      webhook: webhookSender(sites),
      email: async (delivery) => {
        if (!mailer) throw new Error('no SMTP server is configured (mail.smtp)');
        await mailer.send(delivery);
      },
    },
    logger,
    deps.deliveries,
  );
  const notifier = deps.mail ? new MailNotifier(store, sites, deps.mail) : null;

  const enqueue = (what: string, deliveries: Promise<NewDelivery[]> | NewDelivery[]): void => {
    void (async () => {
      const list = await deliveries;
      if (list.length === 0) return;
      await store.write((tx) => tx.deliveries.enqueueDeliveries(list));
      worker.kick();
    })().catch((error: unknown) => logger.error('queueing notifications failed', { event: what, error }));
  };

  const off: (() => void)[] = [];
  for (const type of WebhookEvents) {
    off.push(
      hub.events.on(type, (payload) => {
        const site = sites.get(payload.site);
        if (site) enqueue(type, webhookDeliveries(site, type, payload as never, payload.at));
      }),
    );
  }
  off.push(hub.events.on('comment.held', (event) => logHold(logger, event)));
  if (notifier) {
    off.push(hub.events.on('comment.flagged', (event) => enqueue('comment.flagged', notifier.flagged(event))));
    off.push(hub.events.on('comment.created', (event) => enqueue('comment.created', notifier.replied(event))));
    off.push(hub.events.on('comment.created', (event) => enqueue('comment.created', notifier.mentioned(event))));
    // A held comment reaches the people it answers and mentions when a moderator approves it.
    off.push(hub.events.on('comment.approved', (event) => enqueue('comment.approved', notifier.replied(event))));
    off.push(hub.events.on('comment.approved', (event) => enqueue('comment.approved', notifier.mentioned(event))));
  }
  worker.start();

  return {
    handleHttp: (req, res, url) => handleUnsubscribe(req, res, url, store, sites, logger),
    worker,
    async close() {
      for (const stop of [...unregister, ...off]) stop();
      await worker.close();
      mailer?.close();
    },
  };
}
