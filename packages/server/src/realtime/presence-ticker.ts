/**
 * Coalesces presence relays per thread into one message per tick (DESIGN.md "Performance"): ten
 * readers starting and stopping to type within 100 ms cost each reader one message, not twenty.
 * Per clientID only the latest entry of a tick is sent; awareness clocks make that lossless.
 *
 * The message goes to the whole room, the sender included: y-protocols ignores a client's own state
 * coming back with a clock it already has, and one encoding for everyone is what keeps it cheap.
 */
import type { ParleyIo } from '../transport/types.js';
import { roomOfKey } from '../transport/types.js';
import { threadIdOf } from '../domain/thread-key.js';
import { writeAwarenessUpdate, type AwarenessEntry } from './awareness-codec.js';

export class PresenceTicker {
  private readonly pending = new Map<string, Map<number, AwarenessEntry>>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly io: ParleyIo,
    /** @default 100 ms — under what a reader notices in "is typing", a tenth of the messages. */
    private readonly tickMs = 100,
  ) {}

  /** `thread` is the thread key. */
  queue(thread: string, entries: readonly AwarenessEntry[]): void {
    if (entries.length === 0) return;
    const byClient = this.pending.get(thread) ?? new Map<number, AwarenessEntry>();
    for (const entry of entries) byClient.set(entry.clientId, entry);
    this.pending.set(thread, byClient);
    this.timer ??= setTimeout(() => this.flush(), this.tickMs);
  }

  /** Sends everything queued now (also what the timer does). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [thread, byClient] of batches) {
      this.io.to(roomOfKey(thread)).emit('presence:update', { thread: threadIdOf(thread), update: writeAwarenessUpdate([...byClient.values()]) });
    }
  }

  close(): void {
    this.flush();
  }
}
