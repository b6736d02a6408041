/**
 * The y-protocols awareness update format, as pure functions, so the server can read what a client
 * claims and write back only what it allows:
 *
 *   update = varUint(n) · n × entry
 *   entry  = varUint(clientID) · varUint(clock) · varString(JSON of the state, `null` = removed)
 *
 * `readAwarenessUpdate` throws on anything malformed (truncated, trailing bytes, bad JSON, more
 * entries than allowed); callers turn that into an `invalid_update` error, never a crash.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The parsed JSON state; null when the client left. */
  state: unknown;
}

export class MalformedAwarenessUpdate extends Error {
  override readonly name = 'MalformedAwarenessUpdate';
}

export function readAwarenessUpdate(update: Uint8Array, maxEntries: number): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > maxEntries) throw new MalformedAwarenessUpdate(`more than ${maxEntries} entries`);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const state: unknown = JSON.parse(decoding.readVarString(decoder));
      entries.push({ clientId, clock, state });
    }
    if (decoding.hasContent(decoder)) throw new MalformedAwarenessUpdate('trailing bytes');
    return entries;
  } catch (error) {
    if (error instanceof MalformedAwarenessUpdate) throw error;
    throw new MalformedAwarenessUpdate(error instanceof Error ? error.message : 'undecodable', { cause: error });
  }
}

export function writeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state ?? null));
  }
  return encoding.toUint8Array(encoder);
}
