/**
 * Inbound payloads of presence and thread notes (see realtime.ts for the flow). Strict, like every
 * schema. Binary fields must arrive as Socket.IO binary attachments (Uint8Array; Node's Buffer is
 * one) and are size-checked here, before any Yjs decoder sees a byte.
 */
import { z } from 'zod';
import { Limits } from './constants.js';
import { RealtimeLimits } from './realtime.js';

const threadId = z
  .string()
  .min(1)
  .max(Limits.maxIdLength)
  .regex(/^[A-Za-z0-9._:/-]+$/, 'use letters, digits and . _ : / - only');

/** Bytes, at most `max` of them. The message names the limit so a client developer can act on it. */
const bytes = (max: number) =>
  z
    .custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'expected binary data (Uint8Array)' })
    .refine((value) => value.byteLength <= max, { message: `larger than ${max} bytes` });

/** A reader's presence: where they type, or null. Who they are comes from the token, never from here. */
export const PresenceSetInput = z.strictObject({
  thread: threadId,
  typing: z.strictObject({ parentId: z.string().min(1).max(Limits.maxIdLength).nullable() }).nullable(),
});
/** `rides: true` [PRES-9]: this widget applies presence riding on `thread:events` (its second argument). */
export const PresenceSyncInput = z.strictObject({ thread: threadId, rides: z.literal(true).optional() });
/** A state vector lists one (clientID, clock) pair per writer; 4 KiB is hundreds of writers. */
export const NotesSyncInput = z.strictObject({ thread: threadId, stateVector: bytes(4 * 1024) });
export const NotesUpdateInput = z.strictObject({
  thread: threadId,
  update: bytes(RealtimeLimits.maxNoteUpdateBytes),
});

export type PresenceSetInput = z.infer<typeof PresenceSetInput>;
export type PresenceSyncInput = z.infer<typeof PresenceSyncInput>;
export type NotesSyncInput = z.infer<typeof NotesSyncInput>;
export type NotesUpdateInput = z.infer<typeof NotesUpdateInput>;

export const RealtimeInputSchemas: readonly [string, z.ZodType][] = [
  ['presence:set', PresenceSetInput],
  ['presence:sync', PresenceSyncInput],
  ['notes:sync', NotesSyncInput],
  ['notes:update', NotesUpdateInput],
];
