import { ErrorCodes, NOTES_TEXT, RealtimeLimits, type JoinResult } from '@parley/protocol';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { call, okData, startTestServer, TEST_SECRET, TEST_SITE, type ClientSocket, type TestServer } from '../test-helpers.js';
import { notesClient, rawCall } from './test-clients.js';

const THREAD = 'news/notes';

/** A site whose notes open at LVL 10, like a publisher letting trusted readers summarise. */
async function gatedServer(): Promise<TestServer> {
  return startTestServer({ sites: [{ id: TEST_SITE, secret: TEST_SECRET, origins: ['same-origin'], gates: { notes: 10 } }] });
}

async function joined(server: TestServer, sub: string | null, lvl = 13): Promise<ClientSocket> {
  const socket = await server.connect(sub ? await server.token(sub, { name: sub, lvl }) : undefined);
  okData(await call<JoinResult>(socket, 'thread:join', { thread: THREAD }));
  return socket;
}

describe('thread notes over Socket.IO (integration)', () => {
  it('[NOTES-7] two real clients edit concurrently and converge, and a newcomer syncs the same text', async () => {
    const server = await gatedServer();
    const ann = await notesClient(await joined(server, 'ann'), THREAD);
    const bob = await notesClient(await joined(server, 'bob'), THREAD);
    await ann.sync();
    await bob.sync();
    // Both type at position 0 before either sees the other's edit.
    const [a, b] = await Promise.all([
      ann.edit((text) => text.insert(0, 'Ann: talks in Oman. ')),
      bob.edit((text) => text.insert(0, 'Bob: ceasefire first. ')),
    ]);
    expect(a.ok && b.ok).toBe(true);
    await Promise.all([ann.relayCount(1), bob.relayCount(1)]);
    expect(ann.text.toString()).toBe(bob.text.toString());
    expect(ann.text.toString()).toContain('Ann: talks in Oman. ');
    expect(ann.text.toString()).toContain('Bob: ceasefire first. ');

    const carol = await notesClient(await joined(server, null), THREAD);
    const answer = await carol.sync();
    expect(carol.text.toString()).toBe(ann.text.toString());
    expect(answer).toMatchObject({ canEdit: false, requiredLevel: null });
  });

  it('[NOTES-3] an update from a reader below the gate is refused, not stored and not relayed', async () => {
    const server = await gatedServer();
    const editor = await notesClient(await joined(server, 'editor', 12), THREAD);
    const newcomer = await notesClient(await joined(server, 'newcomer', 4), THREAD);
    const watcher = await notesClient(await joined(server, null), THREAD);
    expect(await newcomer.sync()).toMatchObject({ canEdit: false, requiredLevel: 10 });

    const refused = await newcomer.edit((text) => text.insert(0, 'spam'));
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCodes.levelRequired, required: 10, level: 4 } });
    const guest = await watcher.edit((text) => text.insert(0, 'guest'));
    expect(guest).toMatchObject({ ok: false, error: { code: ErrorCodes.authRequired } });

    // Relays leave in order: had the refused edits been relayed, they would arrive before this one.
    okData(await editor.edit((text) => text.insert(0, 'Key point')));
    await watcher.relayCount(1);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, watcher.relays[0]!);
    expect(fresh.getText(NOTES_TEXT).toString()).toBe('Key point');

    const later = await notesClient(await joined(server, 'later'), THREAD);
    await later.sync();
    expect(later.text.toString()).toBe('Key point');
  });

  it('[NOTES-1][NOTES-2] oversized, malformed, non-binary and non-text updates are refused and the server stays up', async () => {
    const server = await gatedServer();
    const socket = await joined(server, 'ann');
    const tooBig = new Uint8Array(RealtimeLimits.maxNoteUpdateBytes + 1);
    expect(await rawCall(socket, 'notes:update', { thread: THREAD, update: tooBig })).toMatchObject({
      ok: false,
      error: { code: ErrorCodes.invalidPayload, issues: [{ path: 'update' }] },
    });
    expect(await rawCall(socket, 'notes:update', { thread: THREAD, update: 'aGVsbG8=' })).toMatchObject({
      ok: false,
      error: { code: ErrorCodes.invalidPayload },
    });
    for (const garbage of [new Uint8Array([1, 2, 3]), new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 255, 255]), new Uint8Array(500).fill(7)]) {
      expect(await rawCall(socket, 'notes:update', { thread: THREAD, update: garbage })).toMatchObject({
        ok: false,
        error: { code: ErrorCodes.invalidUpdate },
      });
    }
    const other = new Y.Doc();
    other.getMap('files').set('payload', new Uint8Array(100));
    expect(await rawCall(socket, 'notes:update', { thread: THREAD, update: Y.encodeStateAsUpdate(other) })).toMatchObject({
      ok: false,
      error: { code: ErrorCodes.invalidUpdate, message: expect.stringContaining('other than text') },
    });
    const wrongRoot = new Y.Doc();
    wrongRoot.getText('elsewhere').insert(0, 'hidden');
    expect(await rawCall(socket, 'notes:update', { thread: THREAD, update: Y.encodeStateAsUpdate(wrongRoot) })).toMatchObject({
      ok: false,
      error: { code: ErrorCodes.invalidUpdate, message: expect.stringContaining(NOTES_TEXT) },
    });
    // Still serving, and nothing of the above was stored.
    const client = await notesClient(socket, THREAD);
    await client.sync();
    expect(client.text.toString()).toBe('');
    okData(await client.edit((text) => text.insert(0, 'fine')));
  });

  it('[NOTES-7] edits made offline reach the server on the next sync (steps 1 and 2), and others receive them', async () => {
    const server = await gatedServer();
    const ann = await notesClient(await joined(server, 'ann'), THREAD);
    const bob = await notesClient(await joined(server, 'bob'), THREAD);
    await ann.sync();
    await bob.sync();
    okData(await ann.edit((text) => text.insert(0, 'online. ')));
    // Bob is "offline": edits his own doc without sending anything.
    bob.doc.transact(() => bob.text.insert(0, 'typed in a tunnel. '), 'offline');
    await bob.sync();
    await ann.relayCount(1);
    expect(ann.text.toString()).toBe(bob.text.toString());
    expect(ann.text.toString()).toContain('typed in a tunnel. ');
    expect(ann.text.toString()).toContain('online. ');
  });

  it('notes need a joined thread first', async () => {
    const server = await gatedServer();
    const socket = await server.connect(await server.token('ann', { lvl: 20 }));
    const answer = await rawCall(socket, 'notes:sync', { thread: THREAD, stateVector: Y.encodeStateVector(new Y.Doc()) });
    expect(answer).toMatchObject({ ok: false, error: { code: ErrorCodes.notJoined } });
  });
});
