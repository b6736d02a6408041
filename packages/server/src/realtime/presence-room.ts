/**
 * One thread's presence on this node, as readers see it (SPEC PRES-*): who is here — counted once
 * per person (`u:<id>`, all tabs) or once per guest tab — and who types where. Pure and DOM-free:
 * the Presence service feeds it sockets' `presence:set`, departures and the clock, and asks it for
 * the change to broadcast each tick. A renewal that changes nothing readers see changes nothing here.
 */
import { RealtimeLimits, type PresenceChange, type PresenceSnapshot, type Typing, type Typist } from '@parley/protocol';

/**
 * [PERF-4] A room's presence messages go out at most every `presenceGapMs(readers)` — every tick up
 * to 100 readers on this node, then 1 ms per reader up to 2 s at 2,000, then a quarter of a
 * millisecond more per reader above that, at most 4 s (from 10,000) — and the count at most every
 * `presenceCountGapMs`: 1 s, or half a millisecond per reader, at most 5 s. Every message costs
 * every reader in the room, so a room of 10,000 hears one presence message (count and typists
 * together) every 4 s, not ten a second.
 */
export function presenceGapMs(readers: number): number {
  if (readers <= 100) return 0;
  return readers <= 2000 ? readers : Math.min(4000, 2000 + (readers - 2000) / 4);
}

/**
 * [PRES-10] On a cluster, how much longer than its gap a due change of a room whose sockets on the
 * node all ride may wait for a `thread:events` to carry it: its gap, at most a second.
 */
export function rideGraceMs(readers: number): number {
  return Math.min(presenceGapMs(readers), 1000);
}

/** [PRES-10] Whether a change due since `lastSentAt` may still wait to ride (due, and inside its grace). */
export function mayWaitToRide(readers: number, lastSentAt: number, now: number): boolean {
  const gap = presenceGapMs(readers);
  const since = now - lastSentAt;
  return gap > 0 && since >= gap && since < gap + rideGraceMs(readers);
}

export function presenceCountGapMs(readers: number, countEveryMs: number): number {
  return Math.max(countEveryMs, Math.min(5000, readers / 2));
}

interface Member {
  key: string;
  /** Shown when typing; null for guests, who cannot type. */
  name: string | null;
  typing: Typing | null;
  renewedAt: number;
}

export class ThreadPresence {
  private readonly members = new Map<string, Member>();
  /** Sockets per person: the count is the number of keys. */
  private readonly keys = new Map<string, Set<string>>();
  /** What readers were last told a key is doing; the source of truth for deltas. */
  private readonly shownTyping = new Map<string, Typist>();
  private countDirty = false;
  private lastCountSent = Number.NEGATIVE_INFINITY;
  private lastSent = Number.NEGATIVE_INFINITY;
  private readonly typingDirty = new Set<string>();

  constructor(
    readonly thread: string,
    private readonly countEveryMs: number = RealtimeLimits.presenceCountEveryMs,
  ) {}

  get readers(): number {
    return this.keys.size;
  }

  get empty(): boolean {
    return this.members.size === 0;
  }

  /** A socket's presence (join, typing change or renewal). */
  set(socketId: string, key: string, name: string | null, typing: Typing | null, now: number): void {
    const previous = this.members.get(socketId);
    if (previous && previous.key !== key) this.remove(socketId);
    const existing = this.members.get(socketId);
    if (!existing) {
      const sockets = this.keys.get(key) ?? new Set<string>();
      if (sockets.size === 0) this.countDirty = true;
      this.keys.set(key, sockets.add(socketId));
    }
    this.members.set(socketId, { key, name, typing: name === null ? null : typing, renewedAt: now });
    this.typingDirty.add(key);
  }

  /** A heartbeat of the socket renews its presence as a renewal would, changing nothing readers see (PRES-7). */
  touch(socketId: string, now: number): void {
    const member = this.members.get(socketId);
    if (member) member.renewedAt = now;
  }

  /** The socket left the thread (leave, disconnect) or its presence expired. */
  remove(socketId: string): void {
    const member = this.members.get(socketId);
    if (!member) return;
    this.members.delete(socketId);
    const sockets = this.keys.get(member.key);
    sockets?.delete(socketId);
    if (!sockets || sockets.size === 0) {
      this.keys.delete(member.key);
      this.countDirty = true;
    }
    this.typingDirty.add(member.key);
  }

  /** Removes presences not renewed since `before`; returns how many. */
  expire(before: number): number {
    let removed = 0;
    for (const [socketId, member] of this.members) {
      if (member.renewedAt < before) {
        this.remove(socketId);
        removed++;
      }
    }
    return removed;
  }

  /**
   * What a joiner needs: the count and the typists everyone else has been told of (changes not yet
   * sent reach the joiner with the next tick, like everyone in the room). O(typists), not O(readers).
   */
  snapshot(node: string): PresenceSnapshot {
    return { thread: this.thread, node, readers: this.readers, typing: [...this.shownTyping.values()] };
  }

  /**
   * What changed since the last call that readers must hear, or null: typing deltas at once, the
   * count at most every `countEveryMs` (a waiting count change is kept for a later tick).
   * [PRES-9] `early`: for a message the readers get anyway, so the gaps do not apply.
   */
  takeChange(node: string, now: number, early = false): PresenceChange | null {
    if (!early && now - this.lastSent < presenceGapMs(this.readers)) return null;
    const change: PresenceChange = { thread: this.thread, node };
    if (this.countDirty && (early || now - this.lastCountSent >= presenceCountGapMs(this.readers, this.countEveryMs))) {
      change.readers = this.readers;
      this.countDirty = false;
      this.lastCountSent = now;
    }
    if (this.typingDirty.size > 0) {
      const set: Typist[] = [];
      const clear: string[] = [];
      for (const key of this.typingDirty) {
        const now = this.typingOf(key);
        const before = this.shownTyping.get(key);
        if (now && (!before || before.parentId !== now.parentId || before.name !== now.name)) {
          if (this.shownTyping.size < RealtimeLimits.maxTypistsShown || before) {
            set.push(now);
            this.shownTyping.set(key, now);
          }
        } else if (!now && before) {
          clear.push(key);
          this.shownTyping.delete(key);
        }
      }
      this.typingDirty.clear();
      if (set.length || clear.length) change.typing = { ...(set.length && { set }), ...(clear.length && { clear }) };
    }
    if (change.readers === undefined && !change.typing) return null;
    this.lastSent = now;
    return change;
  }

  /** The node's whole state of this thread, for the periodic refresh (`full: true`). */
  full(node: string, now: number): PresenceChange {
    this.countDirty = false;
    this.lastCountSent = now;
    this.lastSent = now;
    return { thread: this.thread, node, readers: this.readers, typing: { set: [...this.shownTyping.values()] }, full: true };
  }

  /** When this node last sent the room anything (a change or its full state). */
  get lastSentAt(): number {
    return this.lastSent;
  }

  /** Whether a count change is waiting for its interval. */
  get pendingCount(): boolean {
    return this.countDirty;
  }

  /** Where a person types: their most recently renewed tab that types, or null. */
  private typingOf(key: string): Typist | null {
    let latest: Member | null = null;
    for (const socketId of this.keys.get(key) ?? []) {
      const member = this.members.get(socketId);
      if (member?.typing && member.name !== null && (!latest || member.renewedAt >= latest.renewedAt)) latest = member;
    }
    return latest?.typing && latest.name !== null ? { key, name: latest.name, parentId: latest.typing.parentId } : null;
  }
}
