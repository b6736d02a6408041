import { ErrorCodes, type SessionAuthInput, type ViewerSession } from '@parley/protocol';
import type { CommandContext, CommandOutput } from '../commands/index.js';
import { ParleyError } from '../errors.js';
import { authenticate } from '../sites/authenticate.js';
import { InvalidTokenError } from './tokens.js';
import { applySession, toViewerSession } from './session.js';
import type { Caller } from './types.js';

/**
 * `session:auth`: a fresh token over the open socket — the widget's refresh before `exp`, or a
 * sign-in/out — without reconnecting, so thread rooms and the event stream are never interrupted.
 * A refused token leaves the current session as it was.
 */
export async function sessionAuth(
  ctx: CommandContext,
  caller: Caller,
  input: SessionAuthInput,
): Promise<CommandOutput<ViewerSession>> {
  const socket = caller.socket;
  const site = socket ? ctx.sites.get(socket.data.site) : undefined;
  if (!socket || !site) throw new ParleyError(ErrorCodes.forbidden, 'Only a connected socket has a session.');
  let session;
  try {
    session = await authenticate(site, ctx.store, input.token);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new ParleyError(ErrorCodes.invalidToken, error.message);
    throw error;
  }
  await applySession(socket, session);
  return { result: toViewerSession(session.identity, session.expiresAt), events: [] };
}
