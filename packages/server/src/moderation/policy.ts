/**
 * Pre-moderation policy (SPEC PREMOD-3): the site's (the config file, field by field overridden by
 * the console's site settings) tightened by the thread's (the console's thread settings: a thread
 * holds more than its site, never less). Moderators and admins are never held.
 */
import { canModerate } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import type { Site } from '../sites/site-config.js';
import type { PremodPolicy } from '../store/mod-queries.js';
import type { ReadTx } from '../store/types.js';
import { combineVerdicts, PUBLISH, type ScreenVerdict } from './verdict.js';

/** The console stores the site's own override under this thread key. */
export const SITE_SCOPE = '';

/** http(s)://, www., or a bare domain with a common top-level domain: what a reader would call a link. */
const LINK = /\bhttps?:\/\/|\bwww\.[^\s]|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|info|biz|ru|xyz|top|ly|me|app|dev|link|site|online|shop)\b/i;

export const hasLink = (body: string): boolean => LINK.test(body);

export async function sitePolicy(tx: ReadTx, site: Site): Promise<PremodPolicy> {
  return { ...site.premoderation, ...((await tx.mod.getPolicy(site.id, SITE_SCOPE)) ?? {}) };
}

/** The site's policy tightened by the thread's (like gates): a thread can hold more, never less. Both read at once (DUR-11). */
export async function effectivePolicy(tx: ReadTx, site: Site, threadKey: string): Promise<PremodPolicy> {
  const stored = await tx.mod.getPolicies(site.id, SITE_SCOPE, threadKey);
  return tighten({ ...site.premoderation, ...(stored.site ?? {}) }, stored.thread ?? {});
}

export function tighten(base: PremodPolicy, more: PremodPolicy): PremodPolicy {
  const most = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const policy: PremodPolicy = {};
  if (base.all || more.all) policy.all = true;
  if (base.links || more.links) policy.links = true;
  const belowLevel = most(base.belowLevel, more.belowLevel);
  const firstComments = most(base.firstComments, more.firstComments);
  if (belowLevel !== undefined) policy.belowLevel = belowLevel;
  if (firstComments !== undefined) policy.firstComments = firstComments;
  return policy;
}

/** What the policy says of this comment. */
export async function policyVerdict(tx: ReadTx, site: Site, threadKey: string, author: Identity, body: string): Promise<ScreenVerdict> {
  if (canModerate(author)) return PUBLISH;
  const policy = await effectivePolicy(tx, site, threadKey);
  const hold = (reason: string): ScreenVerdict => ({ action: 'hold', reasons: [reason] });
  const verdicts: ScreenVerdict[] = [];
  if (policy.all) verdicts.push(hold('Every comment here is reviewed before it is shown.'));
  if (policy.belowLevel !== undefined && author.level < policy.belowLevel) {
    verdicts.push(hold(`Comments from readers below LVL ${policy.belowLevel} are reviewed first.`));
  }
  if (policy.links && hasLink(body)) verdicts.push(hold('Comments with links are reviewed first.'));
  if (policy.firstComments) {
    const published = await tx.mod.countByAuthor(site.id, author.id);
    if (published < policy.firstComments) verdicts.push(hold(`A new reader's first ${policy.firstComments} comments are reviewed first.`));
  }
  return combineVerdicts(verdicts);
}
