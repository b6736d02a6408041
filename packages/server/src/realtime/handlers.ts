/**
 * Socket handlers of presence and notes. They plug into the same dispatcher as every other event
 * (schema → handler → ack), so binary payloads are type- and size-checked before they get here.
 * Their relays are not thread events (no seq, nothing to replay): each service emits its own.
 */
import type { ClientEventName, NotesSyncInput, NotesUpdateInput, PresenceSetInput, PresenceSyncInput } from '@parley/protocol';
import type { Handler } from '../transport/handlers.js';
import type { Notes } from './notes.js';
import type { Presence } from './presence.js';

export function realtimeHandlers(presence: Presence, notes: Notes): ReadonlyMap<string, Handler> {
  return new Map<ClientEventName, Handler>([
    ['presence:set', async (_ctx, caller, input) => ({ result: presence.set(caller, input as PresenceSetInput), events: [] })],
    ['presence:sync', async (_ctx, caller, input) => ({ result: presence.sync(caller, input as PresenceSyncInput), events: [] })],
    ['notes:sync', async (_ctx, caller, input) => ({ result: await notes.sync(caller, input as NotesSyncInput), events: [] })],
    ['notes:update', async (_ctx, caller, input) => ({ result: await notes.update(caller, input as NotesUpdateInput), events: [] })],
  ]);
}
