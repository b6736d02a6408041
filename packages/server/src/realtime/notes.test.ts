import type { ThreadRef } from '../commands/thread-gates.js';
import { resolveSite } from '../sites/site-config.js';
import { ErrorCodes, NOTES_TEXT } from '@parley/protocol';
import * as Y from 'yjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Identity } from '../domain/identity.js';
import { ParleyError } from '../errors.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { identity } from '../test-helpers.js';
import type { Caller, ParleyIo } from '../transport/types.js';
import { compact, Notes, type NotesOptions } from './notes.js';
import { checkNotesUpdate, InvalidNotesUpdate } from './notes-rules.js';

const THREAD = 'n1';

/** In-process callers (no socket) relay through `io.to(room)`; this records what would be relayed. */
function fakeIo() {
  const relayed: Uint8Array[] = [];
  const io = { to: () => ({ emit: (_event: string, relay: { update: Uint8Array }) => relayed.push(relay.update) }) };
  return { io: io as unknown as ParleyIo, relayed };
}

/** The only site's thread of that id, as the server resolves it. */
const resolve = (_caller: Caller, thread: string): ThreadRef => ({ site: resolveSite({ id: 'default', secret: 'unused' }, { development: true }), id: thread, key: `default:${thread}` });

function setup(options: Partial<NotesOptions> = {}) {
  const store = SqliteStore.open({ path: ':memory:' });
  onTestFinished(() => store.close());
  const { io, relayed } = fakeIo();
  let clock = 1_700_000_000_000;
  const gate = async (who: Identity | null): Promise<Identity> => {
    if (!who) throw new ParleyError(ErrorCodes.authRequired, 'Sign in.');
    return who;
  };
  const notes = new Notes({ io, store, gate, resolve, now: () => clock, ...options });
  const caller = (who: Identity | null = identity('ann')): Caller => ({ identity: who, socket: null, ip: null, tokenExpiresAt: null, site: null });
  return { store, notes, relayed, caller, advance: (ms: number) => void (clock += ms) };
}

/** A client doc that records its own updates, to send them one by one. */
function editor() {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, text: doc.getText(NOTES_TEXT), updates };
}

async function serverText(store: SqliteStore): Promise<string> {
  const doc = new Y.Doc();
  for (const row of await store.read((tx) => tx.listNoteUpdates(`default:${THREAD}`))) Y.applyUpdate(doc, row);
  return doc.getText(NOTES_TEXT).toString();
}

describe('Notes (rules of the notes service, on a real SQLite store)', () => {
  it('[NOTES-5] updates are appended, then replaced by their merge every compactEvery updates, losing nothing', async () => {
    const { store, notes, caller } = setup({ compactEvery: 5 });
    const e = editor();
    for (let i = 0; i < 12; i++) {
      e.text.insert(e.text.length, `${i},`);
      await notes.update(caller(), { thread: THREAD, update: e.updates.at(-1)! });
    }
    const rows = await store.read((tx) => tx.listNoteUpdates(`default:${THREAD}`));
    expect(rows.length).toBeLessThan(5);
    expect(await serverText(store)).toBe(e.text.toString());
  });

  it('[NOTES-5] compaction drops deleted text: the stored size follows the text, not its history', async () => {
    const big = 'x'.repeat(5000);
    const doc = new Y.Doc();
    doc.getText(NOTES_TEXT).insert(0, big);
    const first = Y.encodeStateAsUpdate(doc);
    const sv = Y.encodeStateVector(doc);
    doc.getText(NOTES_TEXT).delete(0, big.length - 10);
    const merged = compact([first, Y.encodeStateAsUpdate(doc, sv)]);
    expect(merged.byteLength).toBeLessThan(200);
  });

  it('[NOTES-6] past the size limit an update is refused (notes_full) and nothing is stored', async () => {
    const { store, notes, caller } = setup({ maxNotesBytes: 2000 });
    const e = editor();
    e.text.insert(0, 'a'.repeat(1500));
    await notes.update(caller(), { thread: THREAD, update: e.updates[0]! });
    e.text.insert(0, 'b'.repeat(1500));
    await expect(notes.update(caller(), { thread: THREAD, update: e.updates[1]! })).rejects.toMatchObject({
      code: ErrorCodes.notesFull,
      details: { max: 2000 },
    });
    expect(await serverText(store)).toBe('a'.repeat(1500));
    // Shortening full notes is still possible: deletions shrink them once compacted.
    e.text.delete(0, 2900);
    await notes.update(caller(), { thread: THREAD, update: e.updates[2]! });
  });

  it('[NOTES-3] readers the gate refuses change nothing, and nothing is relayed', async () => {
    const { store, notes, caller, relayed } = setup();
    const e = editor();
    e.text.insert(0, 'guest text');
    await expect(notes.update(caller(null), { thread: THREAD, update: e.updates[0]! })).rejects.toMatchObject({
      code: ErrorCodes.authRequired,
    });
    expect(relayed).toHaveLength(0);
    expect(await serverText(store)).toBe('');
  });

  it('a reader sending too fast is told to slow down (rate_limited with retryAfterMs), then may go on', async () => {
    const { notes, caller, advance } = setup();
    const e = editor();
    let refused: unknown = null;
    for (let i = 0; i < 40 && !refused; i++) {
      e.text.insert(0, 'k');
      refused = await notes.update(caller(), { thread: THREAD, update: e.updates.at(-1)! }).then(() => null, (error: unknown) => error);
    }
    expect(refused).toMatchObject({ code: ErrorCodes.rateLimited, details: { retryAfterMs: expect.any(Number) } });
    advance(1000);
    e.text.insert(0, 'k');
    await notes.update(caller(), { thread: THREAD, update: e.updates.at(-1)! });
  });

  it('[NOTES-7] a sync never answers from a stale memo: a write through another node is seen at once', async () => {
    const { store, notes, caller } = setup({ compactEvery: 3 });
    const { io } = fakeIo();
    const otherNode = new Notes({ io, store, gate: async (who) => who!, resolve, compactEvery: 3 });
    const e = editor();
    const empty = Y.encodeStateVector(new Y.Doc());
    const textFrom = (update: Uint8Array): string => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, update);
      return doc.getText(NOTES_TEXT).toString();
    };
    for (let i = 0; i < 7; i++) {
      e.text.insert(e.text.length, `${i}`);
      // Writes alternate between the nodes (crossing compactions); each node's next sync sees all.
      await (i % 2 ? otherNode : notes).update(caller(identity(`u${i}`)), { thread: THREAD, update: e.updates.at(-1)! });
      expect(textFrom((await notes.sync(caller(), { thread: THREAD, stateVector: empty })).update)).toBe(e.text.toString());
      expect(textFrom((await otherNode.sync(caller(), { thread: THREAD, stateVector: empty })).update)).toBe(e.text.toString());
    }
  });

  it('an empty update is accepted without storing or relaying anything', async () => {
    const { store, notes, caller, relayed } = setup();
    await notes.update(caller(), { thread: THREAD, update: Y.encodeStateAsUpdate(new Y.Doc()) });
    expect(relayed).toHaveLength(0);
    expect(await store.read((tx) => tx.listNoteUpdates(`default:${THREAD}`))).toHaveLength(0);
  });
});

describe('checkNotesUpdate [NOTES-1]: arbitrary bytes never escape as anything but InvalidNotesUpdate', () => {
  it('survives random and truncated input', () => {
    const e = editor();
    e.text.insert(0, 'A real update to truncate and corrupt.');
    const real = e.updates[0]!;
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const inputs: Uint8Array[] = [];
    for (let cut = 0; cut < real.length; cut++) inputs.push(real.slice(0, cut));
    for (let i = 0; i < 300; i++) {
      const bytes = real.slice();
      bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      inputs.push(bytes, Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
    }
    for (const input of inputs) {
      try {
        checkNotesUpdate(input);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidNotesUpdate);
      }
    }
  });
});
