/**
 * What the header and the list show from presence: how many are reading, who is typing where.
 * Pure functions of awareness states, so they are tested without Yjs or a DOM.
 */
import type { PresenceState } from '@parley/protocol';

/** Typing readers' names by where they type: a comment id, or '' for the main composer. */
export type TypingMap = ReadonlyMap<string, readonly string[]>;

/** [W-R1] Distinct readers: a signed-in reader's tabs count once, each guest tab once; the viewer too. */
export function readingNow(states: Iterable<Partial<PresenceState>>, ownKey: string): number {
  const readers = new Set([ownKey]);
  for (const state of states) if (typeof state.reader === 'string') readers.add(state.reader);
  return readers.size;
}

/** [W-R2] Who types where, leaving out the viewer (in any of their tabs); each name once per place. */
export function typingMap(states: Iterable<Partial<PresenceState>>, ownKey: string): TypingMap {
  const map = new Map<string, string[]>();
  for (const state of states) {
    if (!state.typing || state.reader === ownKey) continue;
    const where = state.typing.parentId ?? '';
    const name = state.user?.name ?? 'A guest';
    const names = map.get(where) ?? [];
    if (!names.includes(name)) names.push(name);
    map.set(where, names);
  }
  return map;
}
