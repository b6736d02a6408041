/**
 * Signed webhooks (SPEC WEBHOOK-1…5): each moderation event a site's endpoint subscribed to
 * becomes one delivery in the outbox (store/delivery-store.ts), sent by the delivery worker with
 * retries. What a receiver gets:
 *
 *   POST <webhooks[i].url>
 *   Content-Type: application/json
 *   Parley-Delivery: <delivery id — the same on every retry; dedupe by it>
 *   Parley-Event: comment.created | comment.flagged | comment.held | comment.approved | comment.rejected | reader.banned
 *   Parley-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>   (signing.ts)
 *
 *   { "id": "<delivery id>", "type": "<event>", "site": "news", "createdAt": <ms>, "data": { …the event… } }
 *
 * Answer 2xx within the attempt timeout (10 s) to acknowledge; anything else is retried. The
 * signature is made at each attempt (a fresh `t`), over the body stored at enqueue time.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { NewDelivery, DeliveryRecord } from '../store/delivery-store.js';
import type { Site } from '../sites/site-config.js';
import type { SiteDirectory } from '../sites/site-config.js';
import type { ModerationEventMap } from './events.js';
import { signatureHeader, SIGNATURE_HEADER } from './signing.js';
import type { WebhookEventName } from './site-filters.js';

/** One delivery per endpoint of the site subscribed to `type`. */
/**
 * One delivery per endpoint of the site subscribed to `type`. With `eventId` (the outbox's event
 * row, WEBHOOK-6) the ids are made from it and the endpoint, so the same event always yields the
 * same deliveries; an endpoint's id survives the host adding or removing others.
 */
export function webhookDeliveries<K extends WebhookEventName>(site: Site, type: K, data: ModerationEventMap[K], at: number, eventId?: string): NewDelivery[] {
  return site.webhooks
    .filter((hook) => hook.events.includes(type))
    .map((hook) => {
      const id = eventId ? `wh_${eventId.replace(/^ev_/, '')}_${createHash('sha256').update(hook.url).digest('base64url').slice(0, 12)}` : `wh_${randomUUID()}`;
      return {
        id,
        site: site.id,
        channel: 'webhook' as const,
        target: hook.url,
        kind: type,
        body: JSON.stringify({ id, type, site: site.id, createdAt: at, data }),
        createdAt: at,
      };
    });
}

/** Sends a webhook delivery: signed with the endpoint's current secret; 2xx or it throws. */
export function webhookSender(sites: SiteDirectory, now: () => number = Date.now) {
  return async (delivery: DeliveryRecord, timeoutMs: number): Promise<void> => {
    const endpoint = sites.get(delivery.site)?.webhooks.find((hook) => hook.url === delivery.target);
    // The host removed the endpoint since: nothing to sign with, and nobody asked for it any more.
    if (!endpoint) throw new Error('the endpoint is no longer configured for the site');
    let response: Response;
    try {
      response = await fetch(delivery.target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'parley-delivery': delivery.id,
          'parley-event': delivery.kind,
          [SIGNATURE_HEADER]: signatureHeader([endpoint.secret], delivery.body, now()),
          'user-agent': 'Parley-Webhook/1',
        },
        body: delivery.body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error((error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `unreachable (${cause ?? (error as Error).message})`);
    }
    await response.body?.cancel();
    if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}`);
  };
}
