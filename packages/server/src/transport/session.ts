/**
 * A connection's session after the handshake: who it is now, which per-user room it is in (so a
 * level change reaches all of a reader's tabs), and when its token runs out. A token refresh
 * (`session:auth`) replaces the session over the open socket; the room memberships of threads stay,
 * so no thread event is missed while it happens.
 */
import type { ViewerSession } from '@parley/protocol';
import { canModerate } from '../domain/gates.js';
import type { Identity } from '../domain/identity.js';
import { levelForXp } from '../domain/levels.js';
import { GUEST, identityWith, levelOf, type Session } from '../sites/authenticate.js';
import type { SiteDirectory } from '../sites/site-config.js';
import type { Store } from '../store/types.js';
import type { ParleyIo, ParleySocket } from './types.js';
import { restrictionOf } from '../moderation/bans.js';
import { ExpiryWheel } from './expiry-wheel.js';

export const userRoom = (site: string, userId: string): string => `user:${site}:${userId}`;

/** Moderators and admins of a site: moderation notices (flags) go here, never to a thread's room. */
export const moderatorsRoom = (site: string): string => `mod:${site}`;

export function toViewerSession(identity: Identity | null, expiresAt: number | null): ViewerSession {
  if (!identity) return { user: null, role: 'guest', level: 0, expiresAt: null };
  const { id, name, avatar, level, role } = identity;
  return { user: { id, name, avatar, level }, role, level, expiresAt };
}

/**
 * Every socket's token expiry, on one timer for the process (BEAT-4): at its time, a socket still
 * connected with that token's identity reads on as a guest.
 */
const expiries = new ExpiryWheel<ParleySocket>((socket, at) => void expire(socket, at));

/** Makes `session` the socket's identity: data, per-user room, expiry. */
export async function applySession(socket: ParleySocket, session: Session): Promise<void> {
  const before = socket.data.identity;
  if (before) await socket.leave(userRoom(socket.data.site, before.id));
  socket.data.identity = session.identity;
  socket.data.tokenExpiresAt = session.expiresAt;
  if (session.identity) await socket.join(userRoom(socket.data.site, session.identity.id));
  // Re-decided on every (re)authentication: a token without the role stops hearing notices at once.
  if (session.identity && canModerate(session.identity)) await socket.join(moderatorsRoom(socket.data.site));
  else await socket.leave(moderatorsRoom(socket.data.site));
  if (session.expiresAt !== null && session.identity && socket.connected) expiries.add(socket, session.expiresAt);
  else expiries.remove(socket);
}

/** The token ran out and was not refreshed: the socket reads on as a guest, and is told so. */
async function expire(socket: ParleySocket, at: number): Promise<void> {
  if (!socket.data.identity || socket.data.tokenExpiresAt !== at || !socket.connected) return;
  await applySession(socket, GUEST);
  // Kept, so a mutation still in flight hears "your sign-in expired" rather than "sign in".
  socket.data.tokenExpiresAt = at;
  socket.emit('viewer:update', toViewerSession(null, null));
}

/** One listener for every socket (it runs with `this` the socket): nothing is made per connection. */
function forgetExpiry(this: ParleySocket): void {
  expiries.remove(this);
}

export function watchSessions(io: ParleyIo): void {
  io.on('connection', (socket) => {
    void applySession(socket, { identity: socket.data.identity, expiresAt: socket.data.tokenExpiresAt });
    socket.on('disconnect', forgetExpiry);
  });
}

/** Sockets whose token expiry is waiting (for tests: it follows connections, not a timer each). */
export function expiriesWaiting(): number {
  return expiries.size;
}

/**
 * Recomputes a reader's level on every socket of theirs (after their XP changed) and pushes
 * `viewer:update` to those whose level moved, so a locked action opens without a reload — on this
 * node, and through the cluster adapter on every other (`parley:refresh-viewer`, each node updating
 * its own sockets: identities live where their sockets do, and nothing waits for other nodes).
 */
export async function refreshViewer(io: ParleyIo, sites: SiteDirectory, store: Store, siteId: string, userId: string, xp?: number): Promise<void> {
  await refreshLocalViewer(io, sites, store, siteId, userId, xp);
  // Socket.IO's in-memory adapter (one node) has no other node to tell, and says so on every call.
  if (clustered.has(io)) io.serverSideEmit('parley:refresh-viewer', siteId, userId);
}

const clustered = new WeakSet<ParleyIo>();

/** Every node listens for other nodes' refreshes. */
export function listenForViewerRefreshes(io: ParleyIo, sites: SiteDirectory, store: Store, onError: (error: unknown) => void): void {
  clustered.add(io);
  io.on('parley:refresh-viewer', (siteId: string, userId: string) => {
    refreshLocalViewer(io, sites, store, siteId, userId).catch(onError);
  });
}

/**
 * `xp`: the reader's XP as the commit that changed it left it (BEAT-13), so the level needs no read;
 * absent (another node's word, a change without it), it is read.
 */
async function refreshLocalViewer(io: ParleyIo, sites: SiteDirectory, store: Store, siteId: string, userId: string, xp?: number): Promise<void> {
  const site = sites.get(siteId);
  if (!site || site.trustHostLevels) return;
  const room = io.of('/').adapter.rooms.get(userRoom(siteId, userId));
  if (!room || room.size === 0) return;
  const level = xp === undefined ? await levelOf(site, store, userId, 0) : levelForXp(xp, site.levelCurve);
  for (const id of room) {
    const local = io.sockets.sockets.get(id);
    const identity = local?.data.identity;
    if (!local || !identity || identity.level === level) continue;
    local.data.identity = identityWith(identity, level);
    local.emit('viewer:update', toViewerSession(local.data.identity, local.data.tokenExpiresAt));
  }
}

/**
 * A moderator banned, suspended or lifted a restriction on a reader: every socket of theirs ON THIS
 * NODE hears `viewer:update` with the restriction (null when lifted) at once; the widget then shows
 * the notice and locks the composer (SPEC BAN-4). Each node does this for its own sockets.
 */
export async function pushRestriction(io: ParleyIo, store: Store, siteId: string, userId: string): Promise<void> {
  const room = io.of('/').adapter.rooms.get(userRoom(siteId, userId));
  if (!room || room.size === 0) return;
  const restriction = restrictionOf(await store.read((tx) => tx.mod.getBan(siteId, userId)), Date.now());
  for (const id of room) {
    const local = io.sockets.sockets.get(id);
    if (!local) continue;
    local.emit('viewer:update', { ...toViewerSession(local.data.identity, local.data.tokenExpiresAt), restriction });
  }
}
