/**
 * What a notes update may contain. Pure; every check runs on the decoded update, before the store.
 *
 * [NOTES-1] An update must decode as a Yjs (v1) update; anything else is refused, never applied.
 * [NOTES-2] It may only write text (or formatting) into the Y.Text `key-points`: no other root type, no
 *           map keys, no nested types, embeds or binary blobs — so the notes cannot become a file store.
 */
import { NOTES_TEXT } from '@parley/protocol';
import * as Y from 'yjs';

export class InvalidNotesUpdate extends Error {
  override readonly name = 'InvalidNotesUpdate';
}

export interface CheckedNotesUpdate {
  /** False when the update carries no structs and no deletions: nothing to store or relay. */
  changes: boolean;
}

export function checkNotesUpdate(update: Uint8Array): CheckedNotesUpdate {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (error) {
    throw new InvalidNotesUpdate('it is not a Yjs update', { cause: error });
  }
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue; // GC and Skip carry no content
    const content = struct.content;
    if (!(content instanceof Y.ContentString || content instanceof Y.ContentDeleted || content instanceof Y.ContentFormat)) {
      throw new InvalidNotesUpdate('it holds something other than text');
    }
    if (struct.parentSub !== null) throw new InvalidNotesUpdate('it writes a map key');
    // Items placed by origin inherit their parent; only an item without neighbours names it. In a
    // decoded (not integrated) update that name is the root type's key, typed loosely by Yjs.
    const parent: unknown = struct.parent;
    if (parent !== null && parent !== NOTES_TEXT) {
      throw new InvalidNotesUpdate(`it writes outside "${NOTES_TEXT}"`);
    }
  }
  return { changes: decoded.structs.length > 0 || decoded.ds.clients.size > 0 };
}
