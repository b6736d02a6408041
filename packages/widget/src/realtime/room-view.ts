/**
 * What the header and the list show from presence: how many are reading, who is typing where.
 * Pure functions of the PresenceView (what the server told this reader), tested without a DOM.
 */
import type { PresenceView } from '@parley/protocol';

/** Typing readers' names by where they type: a comment id, or '' for the main composer. */
export type TypingMap = ReadonlyMap<string, readonly string[]>;

/**
 * [W-R1] Distinct readers as the server counts them (a signed-in reader's tabs once, each guest tab
 * once), the viewer included — at least 1, the viewer, before the server's count arrives.
 */
export function readingNow(view: PresenceView): number {
  return Math.max(1, view.readers);
}

/** [W-R2] Who types where, leaving out the viewer (in any of their tabs); each name once per place. */
export function typingMap(view: PresenceView, ownKey: string | null): TypingMap {
  const map = new Map<string, string[]>();
  for (const typist of view.typists(ownKey ?? undefined)) {
    const where = typist.parentId ?? '';
    const names = map.get(where) ?? [];
    if (!names.includes(typist.name)) names.push(typist.name);
    map.set(where, names);
  }
  return map;
}
