import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Limits, type Ack, type ClientEventName } from '@parley/protocol';
import { Server } from 'socket.io';
import { createCommandContext, threadGates } from './commands/index.js';
import { applyThreadSpec, refFor, threadInfo, type ThreadInfo, type ThreadSpec } from './commands/threads.js';
import { resolveConfig, type ParleyServerOptions } from './config.js';
import type { Identity } from './domain/identity.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/types.js';
import { attachRealtime } from './realtime/index.js';
import { Dispatcher } from './transport/dispatcher.js';
import { useEncodedAhead } from './transport/encoded-packets.js';
import { createHttpHandler } from './transport/http-routes.js';
import { threadPageHandler } from './transport/thread-page.js';
import { originGuards } from './sites/origins.js';
import { listenForViewerRefreshes, refreshViewer, watchSessions } from './transport/session.js';
import { connectRedis } from './cluster/redis.js';
import { ServerMetrics } from './transport/metrics.js';
import { memoryLimiters } from './transport/rate-limit.js';
import { socketAuth } from './transport/socket-auth.js';
import { attachSocketEvents } from './transport/socket-events.js';
import { ClientAddresses, compileTrust } from './transport/client-address.js';
import { connectionLimits } from './transport/connection-limits.js';
import { RateLimits } from './transport/limits.js';
import { settleDue, SETTLE_BATCH } from './economy/settlement.js';
import { ReadingClocks } from './economy/reading-clocks.js';
import { walletRoom } from './economy/accounts.js';
import { xpAfter } from './economy/ledger-book.js';
import { roomOf, type ParleyIo } from './transport/types.js';
import { ReplayAdapter } from './transport/replay-adapter.js';
import { ModerationHub } from './moderation/hub.js';
import { installFilters } from './moderation/filters.js';
import type { ModerationEvent } from './moderation/events.js';
import { ConsoleRoutes } from './transport/console-routes.js';
import { pushRestriction } from './transport/session.js';
import { tellAuthorRejected } from './transport/own-rejected.js';
import { readThreadGates } from './commands/admin-gates.js';
import { layeredIntervalGate } from './commands/interval-gate.js';
import { EventEmitter } from 'node:events';

export interface ParleyServer {
  /** `http://127.0.0.1:PORT` (the bound host, or 127.0.0.1 when bound to all interfaces). */
  url: string;
  port: number;
  http: HttpServer;
  io: ParleyIo;
  store: Store;
  /** Register comment screeners and subscribe to moderation events (moderation/hub.ts). */
  moderation: ModerationHub;
  /** Same path as a socket event minus the socket: validation, command, broadcast. */
  dispatch(identity: Identity | null, event: ClientEventName, input: unknown): Promise<Ack<unknown>>;
  /**
   * Creates a thread, or updates what `spec` gives, as its host — what the admin API's
   * `POST /admin/sites/:site/threads` does, in-process (seeding, embedders). `site` defaults to the
   * only site.
   */
  upsertThread(spec: ThreadSpec, site?: string): Promise<ThreadInfo>;
  close(): Promise<void>;
}

/** Request records are kept at least this long, so a client retrying after a day still gets its result. */
const REQUEST_RETENTION_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** Sent webhooks and emails are kept a week (PRUNE-3): the console's and a host's record of what went out. */
const DELIVERED_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * [PRUNE-2] Events kept per thread: replay serves at most `maxReplayEvents` (500) behind, and a
 * join that checked the thread's seq may read its events a moment later (PostgreSQL reads each
 * statement's own snapshot), so twice that, and never fewer.
 */
const EVENTS_KEPT_PER_THREAD = 2 * Limits.maxReplayEvents;

/**
 * How often reading waiting in memory is looked at (BEAT-8): a second late at most, and each tick's
 * writes — a sixtieth of the reading readers, with the default one-minute flush — share commits.
 */
const READING_TICK_MS = 1000;

/** How long a dropped connection may come back with its rooms and missed packets intact. */
const RECOVERY_WINDOW_MS = 2 * 60 * 1000;

function listen(http: HttpServer, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolvePromise, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolvePromise(http.address() as AddressInfo);
    });
  });
}

export async function startParleyServer(options: ParleyServerOptions = {}): Promise<ParleyServer> {
  const config = resolveConfig(options);
  const { logger } = config;
  if (config.usingDevSecret) {
    logger.warn('no secret configured: using the public DEVELOPMENT secret; anyone can sign tokens. Set PARLEY_SECRET.');
  }
  for (const site of config.sites.sites.filter((s) => s.development)) {
    logger.warn(
      `development mode: site "${site.id}" accepts connections from EVERY page origin (origins: *). ` +
        'Before going live, configure the site in a config file (--config) with the origins of the pages that embed it.',
    );
  }
  const startedAt = Date.now();
  // Before anything else opens: a Redis that cannot be reached stops the start, with the URL.
  const redis = config.redisUrl && !config.adapter ? await connectRedis(config.redisUrl, config.redisPrefix, logger) : null;
  const adapter = config.adapter ?? redis?.adapter;
  const store = await openStore(config.database).catch(async (error: unknown) => {
    await redis?.close();
    throw error;
  });
  // `io` is read lazily: nothing is scraped before listen(), long after it exists.
  const metrics = new ServerMetrics({
    connections: () => io.engine.clientsCount,
    heldComments: () =>
      store.read(async (tx) => Object.fromEntries(await Promise.all(config.sites.sites.map(async (site) => [site.id, await tx.mod.countHeld(site.id)] as const)))),
  });
  const reading = config.readFlushEveryMs > 0 ? new ReadingClocks({ flushEveryMs: config.readFlushEveryMs }) : undefined;
  const moderation = new ModerationHub((what, error) => logger.error(what, { error }));
  // Every node's moderation events, for the console's live queue and the banned reader's sockets.
  const modBus = new EventEmitter();
  modBus.setMaxListeners(0);
  const ctx = createCommandContext(metrics.instrument(store), {
    sites: config.sites,
    economy: config.economy,
    moderation,
    // The cluster's heartbeat gate, with this node's memory in front (BEAT-3).
    ...(redis && { gate: layeredIntervalGate(redis.gate) }),
    ...(reading && { reading }),
  });
  const origins = originGuards(config.sites, logger);
  // Word lists, spam heuristics, the moderation hook; webhooks and email from the moderation events.
  const filters = installFilters({ hub: moderation, store, sites: config.sites, logger, mail: config.mail, deliveries: config.deliveries });

  // The HTTP handler is registered before Socket.IO attaches, which then answers /socket.io/ first.
  // `stats` reads `io` lazily: no request is served before listen(), long after it exists.
  const http = createServer(
    createHttpHandler({
      config,
      startedAt,
      stats: () => ({ connections: io.engine.clientsCount }),
      metrics,
      ready: async () => ({
        store: await store.read(async () => true).catch(() => false),
        ...(redis && { redis: await redis.ready() }),
      }),
      routes: filters.handleHttp,
      threadPage: threadPageHandler({ ctx, sites: config.sites, logger, trustProxy: config.trustProxy, guestReads: () => limits?.readsPerGuestIp ?? null }),
      admin: { ctx, broadcastGates: (site, update) => io.to(roomOf(site, update.thread)).emit('thread:gates', update) },
      console: new ConsoleRoutes({
        ctx,
        logger,
        consoleDir: config.consoleDir,
        deliver: (site, output) => dispatcher.deliver(site, output),
        broadcastGates: (site, thread) => {
          void readThreadGates(ctx, config.sites.get(site)!, thread).then((view) => io.to(roomOf(site, thread)).emit('thread:gates', { thread, gates: view.gates }));
        },
        subscribe: (listener) => {
          modBus.on('event', listener);
          return () => modBus.off('event', listener);
        },
      }),
      // Through the outbox, in seq order with what waits there (and, with several nodes, to every node's readers: CLUSTER-19).
      rights: { ctx, logger, broadcastEvents: (site, _thread, events) => dispatcher.deliver(site, { events }) },
      counts: { ctx, trust: compileTrust(config.trustProxy), guestReads: () => limits?.readsPerGuestIp ?? null },
    }),
  );
  const io: ParleyIo = new Server(http, {
    maxHttpBufferSize: Limits.maxPacketBytes,
    // Compression costs more CPU per recipient than it saves on small JSON events (DESIGN.md).
    perMessageDeflate: false,
    serveClient: false,
    // The widget runs on publishers' pages; identity travels in the token, not in cookies. Only
    // origins some site allows get CORS; the site's own list is checked again in socketAuth.
    cors: { origin: origins.cors },
    allowRequest: origins.allowRequest,
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    // One node: Socket.IO's recovery adapter, less the readers' own pushes (BEAT-6).
    adapter: adapter ?? ReplayAdapter,
  });
  // [DUR-3] A posted comment's ack and broadcast reuse the JSON its command encoded.
  useEncodedAhead(io);
  // allowRequest sees only handshakes; this guards every poll and upgrade against its session's own site.
  origins.attach(io.engine);
  // With Redis, budgets are cluster-wide (unless the embedder brought its own store).
  const rateLimit = config.rateLimit && redis && config.rateLimit.store === memoryLimiters ? { ...config.rateLimit, store: redis.limiters } : config.rateLimit;
  const limits = rateLimit ? new RateLimits(rateLimit) : null;
  // First: the client address (trustProxy) and the connection limits, before any token is verified.
  io.use(connectionLimits({ io, addresses: new ClientAddresses(config.trustProxy), limits, ...(redis && { openConnections: redis.openConnections }) }));
  io.use(socketAuth({ sites: config.sites, store, logger, origins }));
  watchSessions(io);
  if (adapter) listenForViewerRefreshes(io, config.sites, store, (error) => logger.error('level refresh failed', { error }));
  const realtime = attachRealtime(io, ctx, logger, config.presence, Boolean(adapter), redis?.limiters);
  const dispatcher = new Dispatcher({
    ctx,
    io,
    eventTickMs: config.eventTickMs,
    logger,
    metrics,
    extraHandlers: realtime.handlers,
    rider: (key) => realtime.rider(key),
    clustered: Boolean(adapter),
    // A level earned from XP opens locks without a reload (sites that do not trust host levels).
    onCredited: (site, userId, xp) => {
      refreshViewer(io, config.sites, store, site, userId, xp).catch((error: unknown) => logger.error('level refresh failed', { error }));
    },
  });
  attachSocketEvents(io, dispatcher, limits);
  // [CLUSTER-19] Another node's committed events join this node's outbox, paced for its own readers.
  if (adapter) io.on('parley:thread-events', (site, events) => dispatcher.receive(site, events));
  // A moderation event committed on this node reaches every node (the cluster adapter), then each
  // node's console streams and the restricted reader's own sockets there (SPEC BAN-4).
  moderation.events.onAny((event) => {
    modBus.emit('event', event);
    if (adapter) io.serverSideEmit('parley:moderation', event);
  });
  if (adapter) io.on('parley:moderation', (event: ModerationEvent) => modBus.emit('event', event));
  modBus.on('event', (event: ModerationEvent) => {
    if (event.name === 'comment.rejected') return tellAuthorRejected(io, event.payload);
    if (event.name !== 'reader.banned' && event.name !== 'reader.unbanned') return;
    pushRestriction(io, store, event.payload.site, event.payload.userId).catch((error: unknown) => logger.error('pushing a ban failed', { error }));
  });

  let address: AddressInfo;
  try {
    address = await listen(http, config.port, config.host);
  } catch (error) {
    realtime.close();
    origins.close();
    io.close();
    await filters.close();
    await store.close();
    await redis?.close();
    throw error;
  }
  const displayHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${address.port}`;

  // Retention (PRUNE-1…3; server README "What the database keeps"): hourly, off the hot path.
  const prune = (): void => {
    store.pruneRequests(Date.now() - REQUEST_RETENTION_MS).catch((error: unknown) => {
      logger.error('pruning request records failed', { error });
    });
    store.pruneEvents(EVENTS_KEPT_PER_THREAD).catch((error: unknown) => {
      logger.error('pruning thread events failed', { error });
    });
    store.write((tx) => tx.deliveries.pruneDelivered(Date.now() - DELIVERED_RETENTION_MS)).catch((error: unknown) => {
      logger.error('pruning sent notifications failed', { error });
    });
  };
  prune();
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
  pruneTimer.unref();

  // Rewards whose comments stood for the settlement window are paid in batches (SETTLE-4); one
  // settle at a time, and the wallets they changed hear it like after any command.
  let settling = false;
  const settle = async (): Promise<void> => {
    if (settling || closing) return;
    settling = true;
    try {
      for (let batch = 0; batch < 10; batch++) {
        const { settled, wallets } = await settleDue(ctx, SETTLE_BATCH);
        for (const wallet of wallets) {
          io.to(walletRoom(wallet.site, wallet.userId)).emit('wallet:update', wallet.update);
          refreshViewer(io, config.sites, store, wallet.site, wallet.userId, xpAfter.get(wallet)).catch((error: unknown) => logger.error('level refresh failed', { error }));
        }
        if (settled < SETTLE_BATCH) break;
      }
    } catch (error) {
      logger.error('settling rewards failed', { error });
    } finally {
      settling = false;
    }
  };
  const settleTimer = config.settleEveryMs > 0 ? setInterval(() => void settle(), config.settleEveryMs) : null;
  settleTimer?.unref();

  // Reading time waiting in memory is written once it is old or its reader stopped (PERF-1), by a
  // tick each second that writes every due reader at once, so their writes share commits (BEAT-8).
  // One tick at a time; the last one (closing) writes everything.
  let flushing = false;
  const flushReading = async (all: boolean): Promise<void> => {
    if (!reading || (flushing && !all)) return;
    flushing = true;
    try {
      for (const wallet of await reading.sweep(ctx, all)) {
        io.to(walletRoom(wallet.site, wallet.userId)).emit('wallet:update', wallet.update);
        refreshViewer(io, config.sites, store, wallet.site, wallet.userId, xpAfter.get(wallet)).catch((error: unknown) => logger.error('level refresh failed', { error }));
      }
    } catch (error) {
      logger.error('writing reading time failed', { error });
    } finally {
      flushing = false;
    }
  };
  const readingTimer = reading ? setInterval(() => void flushReading(false), Math.min(READING_TICK_MS, config.readFlushEveryMs)) : null;
  readingTimer?.unref();

  let closing: Promise<void> | null = null;
  const server: ParleyServer = {
    url,
    port: address.port,
    http,
    io,
    store,
    moderation,
    dispatch(identity, event, input) {
      return new Promise((resolveAck) => {
        const caller = { identity, socket: null, ip: null, tokenExpiresAt: null, site: null, limits: null };
        void dispatcher.run(caller, event, input, resolveAck);
      });
    },
    async upsertThread(spec, siteId) {
      const site = siteId === undefined ? config.sites.only : config.sites.get(siteId);
      if (!site) throw new Error(siteId === undefined ? 'upsertThread: several sites are hosted; name one' : `upsertThread: no site ${siteId}`);
      const applied = await store.write(async (tx) => {
        const done = await applyThreadSpec(ctx, tx, site, spec, 'admin', ctx.now());
        return { ...done, info: await threadInfo(tx, site, done.thread) };
      });
      if (applied.gatesChanged) {
        const gates = await store.read((tx) => threadGates(tx, refFor(site, spec.id)));
        io.to(roomOf(site.id, spec.id)).emit('thread:gates', { thread: spec.id, gates });
      }
      return applied.info;
    },
    close() {
      closing ??= (async () => {
        clearInterval(pruneTimer);
        if (settleTimer) clearInterval(settleTimer);
        if (readingTimer) clearInterval(readingTimer);
        dispatcher.close();
        realtime.close();
        origins.close();
        const closed = io.close();
        // io.close() disconnects sockets then closes the HTTP server; keep-alive connections
        // from plain HTTP clients would otherwise hold that open until they time out.
        await new Promise((next) => setImmediate(next));
        http.closeAllConnections();
        await closed;
        await flushReading(true);
        await filters.close();
        await store.close();
        await redis?.close();
      })();
      return closing;
    },
  };
  return server;
}
