/**
 * Plugs the built-in filters and notifications into a server's moderation hub (hub.ts):
 *
 * - screeners: the site's suspect words (hold), the spam heuristics (hold), the external hook
 *   (its verdict; a failure holds). Banned words are refused inside the post and edit commands
 *   themselves (words.ts `refuseBannedWords`), with their own error code;
 * - the outbox: the moderation events a site's webhooks and emails want are written by the
 *   change's own transaction (hub.record, WEBHOOK-6); one delivery worker per server turns each
 *   into its webhook deliveries and emails and sends them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { SiteDirectory } from '../sites/site-config.js';
import type { DeliveryRecord, NewDelivery } from '../store/delivery-store.js';
import type { Site } from '../sites/site-config.js';
import type { CommentRef, ModerationEventMap, ModerationEventName } from './events.js';
import type { Store } from '../store/types.js';
import { logHold } from '../transport/activity-log.js';
import { DeliveryWorker, type DeliveryTiming } from './delivery-worker.js';
import { hookScreener } from './hook.js';
import type { ModerationHub } from './hub.js';
import { handleUnsubscribe, mailSender, MailNotifier, type MailOptions } from './mail.js';
import { WebhookEvents, type WebhookEventName } from './site-filters.js';

/** Every event a webhook or an email can want. */
const DurableEvents: readonly ModerationEventName[] = [...new Set<ModerationEventName>([...WebhookEvents, 'comment.flagged', 'comment.created', 'comment.approved'])];
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

  const notifier = deps.mail ? new MailNotifier(store, sites, deps.mail) : null;

  // [WEBHOOK-6] The events a site's webhooks and emails want are written by the change's own
  // transaction (hub.record); here each becomes its deliveries, with ids made from the event's, so
  // turning one event into deliveries twice (a worker that died between the two writes) queues
  // each delivery once.
  const mailWants = (site: Site, name: ModerationEventName): boolean =>
    notifier !== null && site.email !== null && (name === 'comment.flagged' ? site.email.moderators.length > 0 : (name === 'comment.created' || name === 'comment.approved') && site.email.replies);
  hub.setDurableInterest((siteId, name) => {
    const site = sites.get(siteId);
    if (!site) return false;
    return site.webhooks.some((hook) => (hook.events as readonly string[]).includes(name)) || mailWants(site, name);
  });
  const expand = async (event: DeliveryRecord): Promise<NewDelivery[]> => {
    const site = sites.get(event.site);
    if (!site) return [];
    const name = event.kind as ModerationEventName;
    const payload = JSON.parse(event.body) as ModerationEventMap[ModerationEventName];
    const list: NewDelivery[] = (WebhookEvents as readonly string[]).includes(name) ? webhookDeliveries(site, name as WebhookEventName, payload as never, event.createdAt, event.id) : [];
    if (notifier && mailWants(site, name)) {
      if (name === 'comment.flagged') list.push(...notifier.flagged(payload as ModerationEventMap['comment.flagged']));
      else list.push(...(await notifier.replied(payload as CommentRef)), ...(await notifier.mentioned(payload as CommentRef)));
    }
    return list;
  };

  const mailer = deps.mail ? mailSender(sites, deps.mail) : null;
  const worker = new DeliveryWorker(
    store,
    {
      webhook: webhookSender(sites),
      email: async (delivery) => {
        if (!mailer) throw new Error('no SMTP server is configured (mail.smtp)');
        await mailer.send(delivery);
      },
      event: async (event) => {
        const list = await expand(event);
        if (list.length === 0) return;
        await store.write((tx) => tx.deliveries.enqueueDeliveries(list));
        worker.kick();
      },
    },
    logger,
    deps.deliveries,
  );

  const off: (() => void)[] = [];
  // After a commit that queued something, look now rather than at the next poll (other nodes poll).
  for (const name of DurableEvents) off.push(hub.events.on(name, () => worker.kick()));
  off.push(hub.events.on('comment.held', (event) => logHold(logger, event)));
  worker.start();

  return {
    handleHttp: (req, res, url) => handleUnsubscribe(req, res, url, store, sites, logger),
    worker,
    async close() {
      for (const stop of [...unregister, ...off]) stop();
      hub.setDurableInterest(null);
      await worker.close();
      mailer?.close();
    },
  };
}
