/**
 * Page attributes that ask for tighter gates: `comment-level="15"` and friends. They are sent with
 * the join; the server keeps them only if they are stricter than the site's gates and only when the
 * thread is first created. The widget always SHOWS the gates the server answers, never these.
 */
import { GatedActions, type GatedAction, type GateTightenings } from '@parley/protocol';

export const gateAttribute = (action: GatedAction): string => `${action}-level`;

/** Reads the tightenings from the element's attributes; malformed values are left out. */
export function readGateTightenings(element: Element): GateTightenings | undefined {
  const gates: GateTightenings = {};
  let any = false;
  for (const action of GatedActions) {
    const raw = element.getAttribute(gateAttribute(action));
    if (raw === null || !/^\d{1,4}$/.test(raw.trim())) continue;
    gates[action] = Number(raw.trim());
    any = true;
  }
  return any ? gates : undefined;
}
