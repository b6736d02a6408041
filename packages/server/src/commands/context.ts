import { randomBytes } from 'node:crypto';
import type { ThreadEvent } from '@parley/protocol';
import type { Store } from '../store/types.js';

/** What every command may use. Clock and ids are injectable so tests are deterministic. */
export interface CommandContext {
  store: Store;
  now(): number;
  newId(): string;
}

/** A command's answer: the result for the caller, and the events to broadcast after commit. */
export interface CommandOutput<T> {
  result: T;
  events: ThreadEvent[];
}

/** 96 random bits, URL-safe: unguessable, short enough for a DOM id. */
export const randomId = (): string => randomBytes(12).toString('base64url');

export function createCommandContext(store: Store, overrides: Partial<Omit<CommandContext, 'store'>> = {}): CommandContext {
  return { store, now: overrides.now ?? Date.now, newId: overrides.newId ?? randomId };
}
