/**
 * Unsigned page attributes set nothing (SPEC THREAD-2): anyone can edit a page's HTML, so a gate
 * (`comment-level="15"`) or a title only counts when the host signs it into the `thread-token`.
 * The widget never sends them; it says so once in the console, with the fix, so a publisher who
 * tried does not wonder why nothing changed.
 */
import { GatedActions, type GatedAction } from '@parley/protocol';

export const gateAttribute = (action: GatedAction): string => `${action}-level`;

/** The gate attributes a page set (`comment-level`, …), which the widget ignores. */
export function unsignedGateAttributes(element: Element): string[] {
  return GatedActions.map(gateAttribute).filter((name) => element.hasAttribute(name));
}

const warned = new WeakSet<Element>();

/** Warns once per element about gate attributes that are ignored, and what to do instead. */
export function warnUnsignedAttributes(element: Element): void {
  const names = unsignedGateAttributes(element);
  if (names.length === 0 || warned.has(element)) return;
  warned.add(element);
  console.warn(
    `<parley-thread>: ${names.join(', ')} ignored — a page cannot set gates by itself. Put the gates in the ` +
      'thread-token your server signs for this thread (e.g. `parley threads claim <thread> --gate comment=15`), ' +
      'or set them with `parley gates set`.',
  );
}
