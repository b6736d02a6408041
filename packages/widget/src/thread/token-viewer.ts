/**
 * [PAINT-11] Who the page's token says the reader is, read from its payload without verifying it —
 * for the layout of the first paint only (the composer instead of "Sign in", the reader's locks, the
 * balance cell), so nothing moves when the socket's join answers. Never trusted: the server verifies
 * the token and its join decides what the reader may do. An expired or unreadable token reads as a
 * guest (the server treats it so too).
 */
import type { AuthorView, ViewerState } from '@parley/protocol';

export type TokenViewer = Pick<ViewerState, 'user' | 'role' | 'level'> & { user: AuthorView };

export function tokenViewer(token: string | undefined, now = Date.now()): TokenViewer | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    if (typeof claims.sub !== 'string' || claims.sub === '') return null;
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= now) return null;
    const level = typeof claims.lvl === 'number' && Number.isInteger(claims.lvl) && claims.lvl >= 0 ? claims.lvl : 0;
    const role = claims.role === 'moderator' || claims.role === 'admin' ? claims.role : 'reader';
    const name = typeof claims.name === 'string' && claims.name ? claims.name : claims.sub;
    const avatar = typeof claims.avatar === 'string' ? claims.avatar : null;
    return { user: { id: claims.sub, name, avatar, level }, role, level };
  } catch {
    return null;
  }
}
