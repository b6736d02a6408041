/** A reader fleet's timer wheel (readers.ts): readers due every `periodMs`, spread over slots of one tick each at a random phase. */
export class Wheel<T> {
  private readonly slots: T[][];
  private next = 0;
  private readonly startedAt = performance.now();

  constructor(periodMs: number, private readonly tickMs: number) {
    this.slots = Array.from({ length: Math.max(1, Math.round(periodMs / tickMs)) }, () => []);
  }

  add(reader: T): void {
    this.slots[Math.floor(Math.random() * this.slots.length)]?.push(reader);
  }

  /** Every reader whose slot came since the last call (at most one lap, however late the timer). */
  due(now: number, each: (reader: T) => void): void {
    const current = Math.floor((now - this.startedAt) / this.tickMs);
    const from = Math.max(this.next, current - this.slots.length + 1);
    for (let slot = from; slot <= current; slot++) {
      for (const reader of this.slots[slot % this.slots.length] ?? []) each(reader);
    }
    this.next = current + 1;
  }
}
