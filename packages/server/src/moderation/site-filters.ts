/**
 * A site's filter and notification settings (word lists are in words.ts): the spam heuristics,
 * the moderation hook, webhooks and email. Checked at start, so a typo fails before the first
 * comment, naming the site and the key.
 */
import { DEFAULT_HOOK_TIMEOUT_MS, type HookOptions } from './hook.js';
import { MIN_SIGNING_SECRET_BYTES } from './signing.js';
import { resolveSpam, type SpamOptions, type SpamRules } from './spam.js';

/** The notifications a webhook endpoint can receive (moderation/events.ts names them). */
export const WebhookEvents = ['comment.created', 'comment.flagged', 'comment.held', 'comment.approved', 'comment.rejected', 'reader.banned'] as const;
export type WebhookEventName = (typeof WebhookEvents)[number];

export interface WebhookOptions {
  /** Where deliveries are POSTed. */
  url: string;
  /** HMAC-SHA256 key shared with the receiver, at least 32 bytes. */
  secret: string;
  /** Which events this endpoint gets. @default every one of {@link WebhookEvents} */
  events?: WebhookEventName[];
}

export interface EmailOptions {
  /** The From address of every message, e.g. `"News comments" <comments@news.example.com>`. */
  from: string;
  /** Who is told of new flags. @default none */
  moderators?: string[];
  /**
   * Email readers who opted in (their token's `email` and `email_replies: true`) when someone replies to them.
   * @default true — it still needs each reader's own opt-in.
   */
  replies?: boolean;
  /**
   * Key of the one-click unsubscribe links, at least 32 bytes. @default the site's `secret` — set
   * it when the site verifies only public-key tokens.
   */
  unsubscribeSecret?: string;
}

export interface SiteFilterOptions {
  /**
   * The built-in spam heuristics (spam.ts): `{}` turns them on with their defaults, each option
   * tunes one (0 turns a count check off). @default off — a site opts in, because two of them
   * (typing speed, bursts of new readers) hold what scripted tests, imports and load runs post.
   */
  spam?: SpamOptions | false;
  hook?: HookOptions;
  webhooks?: WebhookOptions[];
  email?: EmailOptions;
}

export interface ResolvedEmail extends Required<Omit<EmailOptions, 'unsubscribeSecret'>> {
  unsubscribeSecret: string;
}

export interface SiteFilters {
  spam: SpamRules | null;
  hook: Required<HookOptions> | null;
  webhooks: readonly Required<WebhookOptions>[];
  email: ResolvedEmail | null;
}

export class SiteFilterError extends Error {
  override readonly name = 'SiteFilterError';
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

function checkUrl(where: string, key: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SiteFilterError(`${where}: ${key} ${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new SiteFilterError(`${where}: ${key} must be an http(s) URL`);
}

function checkSecret(where: string, key: string, secret: unknown): void {
  if (typeof secret !== 'string' || bytes(secret) < MIN_SIGNING_SECRET_BYTES) {
    throw new SiteFilterError(`${where}: ${key} must be at least ${MIN_SIGNING_SECRET_BYTES} bytes (\`openssl rand -base64 32\` makes one)`);
  }
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

export function resolveSiteFilters(options: SiteFilterOptions, siteSecret: string | null, where: string): SiteFilters {
  let hook: SiteFilters['hook'] = null;
  if (options.hook) {
    checkUrl(where, 'hook.url', options.hook.url);
    checkSecret(where, 'hook.secret', options.hook.secret);
    const timeoutMs = options.hook.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 10 || timeoutMs > 30_000) throw new SiteFilterError(`${where}: hook.timeoutMs must be a whole number of ms from 10 to 30000`);
    hook = { url: options.hook.url, secret: options.hook.secret, timeoutMs };
  }
  const webhooks = (options.webhooks ?? []).map((hook, i) => {
    checkUrl(where, `webhooks[${i}].url`, hook.url);
    checkSecret(where, `webhooks[${i}].secret`, hook.secret);
    for (const event of hook.events ?? []) {
      if (!(WebhookEvents as readonly string[]).includes(event)) throw new SiteFilterError(`${where}: webhooks[${i}].events: ${JSON.stringify(event)} is not one of ${WebhookEvents.join(', ')}`);
    }
    return { url: hook.url, secret: hook.secret, events: hook.events ?? [...WebhookEvents] };
  });
  let email: ResolvedEmail | null = null;
  if (options.email) {
    const moderators = options.email.moderators ?? [];
    for (const address of moderators) if (!EMAIL.test(address)) throw new SiteFilterError(`${where}: email.moderators: ${JSON.stringify(address)} is not an email address`);
    if (!options.email.from) throw new SiteFilterError(`${where}: email.from is required`);
    const unsubscribeSecret = options.email.unsubscribeSecret ?? siteSecret;
    if (!unsubscribeSecret) throw new SiteFilterError(`${where}: email.unsubscribeSecret is required when the site has no HS256 secret (it signs unsubscribe links)`);
    checkSecret(where, 'email.unsubscribeSecret', unsubscribeSecret);
    email = { from: options.email.from, moderators, replies: options.email.replies ?? true, unsubscribeSecret };
  }
  let spam: SpamRules | null;
  try {
    spam = options.spam === undefined || options.spam === false ? null : resolveSpam(options.spam);
  } catch (error) {
    throw new SiteFilterError(`${where}: spam.${(error as Error).message}`);
  }
  return { spam, hook, webhooks, email };
}
