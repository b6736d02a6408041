/** The console's live stream, `GET /admin/api/stream` (server-sent events), and the queue counts it sends (SPEC CON-7). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandContext } from '../commands/context.js';
import type { Site } from '../sites/site-config.js';
import type { ConsoleDeps } from './console-routes.js';
import { revocationSubjects, signedInAt, type ConsoleSession } from './console-session.js';

/** A burst of moderation events is counted once, this long after its first (SPEC CON-7). */
const COUNTS_DEBOUNCE_MS = 150;

type StreamDeps = Pick<ConsoleDeps, 'ctx' | 'logger' | 'subscribe'>;

/** How many items each queue holds (SPEC CON-7): one indexed COUNT per queue. */
export function queueCounts(ctx: CommandContext, site: Site) {
  return ctx.store.read((tx) => tx.mod.countQueues(site.id, ctx.now()));
}

/**
 * Server-sent events: the site's moderation events as they happen, on every node, and the queue
 * counts (`event: counts`) when the stream opens and after each change — a burst of changes is
 * counted once, {@link COUNTS_DEBOUNCE_MS} after its first.
 */
export function openStream(deps: StreamDeps, req: IncomingMessage, res: ServerResponse, site: Site, session: ConsoleSession): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write(': parley console stream\n\n');
  let closed = false;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const sendCounts = (): void => {
    pending = undefined;
    queueCounts(deps.ctx, site).then(
      (counts) => {
        if (!closed) res.write(`event: counts\ndata: ${JSON.stringify(counts)}\n\n`);
      },
      (error: unknown) => deps.logger.warn('console counts failed', { site: site.id, error: String(error) }),
    );
  };
  sendCounts();
  const off = deps.subscribe((event) => {
    if (event.payload.site !== site.id) return;
    res.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
    if (event.name !== 'comment.created') pending ??= setTimeout(sendCounts, COUNTS_DEBOUNCE_MS);
  });
  // Each ping also asks whether the session was revoked meanwhile (CON-8): then the stream ends.
  const ping = setInterval(() => {
    res.write(': ping\n\n');
    deps.ctx.store.read((tx) => tx.mod.consoleRevokedAt(site.id, revocationSubjects(session))).then(
      (at) => {
        if (at !== null && at >= signedInAt(session)) res.end();
      },
      () => undefined,
    );
  }, 25_000);
  ping.unref();
  const close = (): void => {
    closed = true;
    clearInterval(ping);
    clearTimeout(pending);
    off();
  };
  req.on('close', close);
  res.on('close', close);
}
