/**
 * Limits that stop abusers, not their neighbours (DESIGN.md "Identity, levels and gates").
 *
 *   who                      mutations               reads                    thread creation
 *   signed-in reader         (site, user)            (site, user)             address, then site
 *   guest                    address                 address                  address, then site
 *
 * A signed-in reader is never counted per address: behind an office NAT or a reverse proxy every
 * honest reader shares one, and a flooder there must not starve them. Guests have nothing else to
 * count by. A request is charged to one budget of each kind it needs, in order, and a refusal gives
 * back what the same request was charged before it (rate-limit.ts `Charges`). Events with a bound
 * of their own (heartbeats, presence and notes updates) are not counted here; connections per
 * address and handshakes are in connection-limits.ts.
 */
import type { ClientEventName } from '@parley/protocol';
import type { ResolvedRateLimit, Budget } from '../config.js';
import type { Identity } from '../domain/identity.js';
import { addressKey } from './client-address.js';
import { mutatingEvents } from './handlers.js';
import { Charges, rateLimited, type Limit } from './rate-limit.js';
import type { CallerLimits, ParleySocket } from './types.js';

/** Events that only read (or leave): counted against the read budgets. */
export const readEvents: ReadonlySet<string> = new Set<ClientEventName>([
  'thread:join',
  'thread:leave',
  'comments:page',
  'comments:replies',
  'comments:around',
  'comment:hidden-body',
  'session:auth',
  'presence:sync',
  'notes:sync',
  'economy:state',
  'report:list',
]);

/**
 * Events bounded where they are handled, per socket or per reader: `read:heartbeat`
 * (economy-handlers.ts), `presence:set` (realtime/presence.ts), `notes:update` (realtime/notes.ts).
 * Every client event is in exactly one of mutatingEvents, readEvents and this set (limits.test.ts).
 */
export const selfLimitedEvents: ReadonlySet<string> = new Set<ClientEventName>(['read:heartbeat', 'presence:set', 'notes:update']);

/** Who sent one request from the network. */
export interface RequestSource {
  identity: Identity | null;
  /** The connection's site. */
  site: string | null;
  /** The client address (client-address.ts). */
  ip: string | null;
  socket: ParleySocket | null;
}

/** (site, user), unambiguous whatever the ids contain. */
const readerKey = (site: string, userId: string): string => JSON.stringify([site, userId]);

/** The server's limiters; one `RequestLimits` per request uses them. */
export class RateLimits {
  readonly mutationsPerUser: Limit;
  readonly mutationsPerGuestIp: Limit;
  readonly readsPerUser: Limit;
  readonly readsPerGuestIp: Limit;
  readonly connectAttemptsPerIp: Limit;
  readonly threadCreationsPerIp: Limit;
  readonly threadCreationsPerSite: Limit;
  readonly connectionsPerIp: number;
  readonly roomsPerSocket: number;
  /** Per socket, the threads it follows (see `Followed`). */
  readonly followed = new WeakMap<object, Map<string, Followed>>();

  constructor(budgets: ResolvedRateLimit) {
    const limit = (name: string, budget: Budget, message: string): Limit => ({ limiter: budgets.store(name, budget), message });
    this.mutationsPerUser = limit('mutations-user', budgets.mutationsPerUser, 'You are doing that too often; try again in {s} s.');
    this.mutationsPerGuestIp = limit('mutations-ip', budgets.mutationsPerGuestIp, 'Too many actions from your network; sign in, or try again in {s} s.');
    this.readsPerUser = limit('reads-user', budgets.readsPerUser, 'Too many requests in a short time; try again in {s} s.');
    this.readsPerGuestIp = limit('reads-ip', budgets.readsPerGuestIp, 'Too many requests from your network; sign in, or try again in {s} s.');
    this.connectAttemptsPerIp = limit('connects-ip', budgets.connectAttemptsPerIp, 'Too many connection attempts from your network; try again in {s} s.');
    this.threadCreationsPerIp = limit('threads-ip', budgets.threadCreationsPerIp, 'Too many new discussions started from your network; try again in {s} s.');
    this.threadCreationsPerSite = limit('threads-site', budgets.threadCreationsPerSite, 'This site is starting new discussions faster than it allows; try again in {s} s.');
    this.connectionsPerIp = budgets.connectionsPerIp;
    this.roomsPerSocket = budgets.roomsPerSocket;
  }

  forRequest(source: RequestSource): CallerLimits {
    return new RequestLimits(this, source);
  }
}

/**
 * The threads one socket follows, as this file sees them: a thread is in once a join of it is
 * admitted (in flight joins count, so joins sent together cannot overshoot), stays once a join
 * succeeded, and leaves with a successful `thread:leave` or when every join of it failed. Kept here,
 * not read from the socket's rooms, so it does not depend on how rooms are named.
 */
interface Followed {
  joined: boolean;
  inFlight: number;
}

class RequestLimits implements CallerLimits {
  private readonly charges = new Charges();
  /** What `done` must settle: the thread of this request's join or leave. */
  private settles: { kind: 'join' | 'leave'; thread: string } | null = null;

  constructor(
    private readonly limits: RateLimits,
    private readonly source: RequestSource,
  ) {}

  async admitEvent(event: string, input: unknown): Promise<void> {
    const { identity } = this.source;
    if (mutatingEvents.has(event)) {
      return this.charges.take(identity ? this.limits.mutationsPerUser : this.limits.mutationsPerGuestIp, this.key());
    }
    if (!readEvents.has(event)) return;
    await this.charges.take(identity ? this.limits.readsPerUser : this.limits.readsPerGuestIp, this.key());
    const thread = (input as { thread?: unknown }).thread;
    if (typeof thread !== 'string') return;
    if (event === 'thread:join') await this.admitRoom(thread);
    else if (event === 'thread:leave') this.settles = { kind: 'leave', thread };
  }

  async admitThreadCreation(site: string): Promise<void> {
    await this.charges.take(this.limits.threadCreationsPerIp, addressKey(this.source.ip ?? 'unknown'));
    await this.charges.take(this.limits.threadCreationsPerSite, site);
  }

  done(succeeded: boolean): void {
    const socket = this.source.socket;
    const settles = this.settles;
    this.settles = null;
    if (!socket || !settles) return;
    const followed = this.limits.followed.get(socket);
    const entry = followed?.get(settles.thread);
    if (!followed || !entry) return;
    if (settles.kind === 'join') {
      entry.inFlight--;
      if (succeeded) entry.joined = true;
    } else if (succeeded) entry.joined = false;
    if (!entry.joined && entry.inFlight <= 0) followed.delete(settles.thread);
  }

  /** Signed-in: (site, user). Guest: the address (an IPv6 address's /64). */
  private key(): string {
    const { identity, site, ip } = this.source;
    if (identity) return readerKey(site ?? identity.site ?? '', identity.id);
    return addressKey(ip ?? 'unknown');
  }

  /**
   * A join of a thread the socket does not follow yet must leave it within `roomsPerSocket`
   * threads. Checked after the read was charged; a refusal gives that back.
   */
  private async admitRoom(thread: string): Promise<void> {
    const socket = this.source.socket;
    if (!socket) return;
    let followed = this.limits.followed.get(socket);
    if (!followed) this.limits.followed.set(socket, (followed = new Map()));
    let entry = followed.get(thread);
    if (!entry) {
      const max = this.limits.roomsPerSocket;
      if (followed.size >= max) {
        await this.charges.giveBack();
        // Waiting alone does not help: the join succeeds once the connection has left a thread.
        throw rateLimited(`This connection already follows ${max} discussions, the most one connection may; leave one before joining another.`, 1000, {
          maxRooms: max,
        });
      }
      followed.set(thread, (entry = { joined: false, inFlight: 0 }));
    }
    entry.inFlight++;
    this.settles = { kind: 'join', thread };
  }
}
