/**
 * [BEAT-4] Every socket's token expiry on one timer. A `setTimeout` per socket costs a Timeout
 * object, its closure and (each expiry being a different delay) a timer list of its own, per
 * reader; here a socket is one entry in the set of its expiry time, and the process holds one
 * timer, armed for the earliest time. A JWT's `exp` is in whole seconds, so readers who signed in
 * within the same second share one set.
 *
 * Exact, not rounded: an item is due at its own time (the timer fires then, or on the next
 * turn of the event loop after it), never before it.
 */

/** setTimeout's limit (~24.8 days): a later time is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ExpiryWheel<T> {
  /** Items by the time they are due (ms since the epoch). */
  private readonly due = new Map<number, Set<T>>();
  /** When each item is due, to take it out again. */
  private readonly at = new Map<T, number>();
  /** The distinct due times, a binary min-heap; a time whose set is gone is skipped when popped. */
  private readonly times: number[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly onDue: (item: T, at: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Items waiting. */
  get size(): number {
    return this.at.size;
  }

  /** `item` is due at `at` (replacing any earlier time it had). */
  add(item: T, at: number): void {
    this.remove(item);
    this.at.set(item, at);
    let items = this.due.get(at);
    if (!items) {
      this.due.set(at, (items = new Set()));
      pushHeap(this.times, at);
    }
    items.add(item);
    if (at < this.timerAt) this.arm();
  }

  /** `item` is no longer due (a refreshed token, a closed socket). */
  remove(item: T): void {
    const at = this.at.get(item);
    if (at === undefined) return;
    this.at.delete(item);
    const items = this.due.get(at);
    items?.delete(item);
    if (items?.size === 0) this.due.delete(at);
  }

  /** Stops the timer (items stay; the next `add` arms it again). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    while (this.times.length > 0 && !this.due.has(this.times[0]!)) popHeap(this.times);
    const next = this.times[0];
    if (next === undefined) return;
    this.timerAt = next;
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_TIMER_MS, Math.max(0, next - this.now())));
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    while (this.times.length > 0 && this.times[0]! <= now) {
      const at = popHeap(this.times)!;
      const items = this.due.get(at);
      if (!items) continue;
      this.due.delete(at);
      for (const item of items) {
        this.at.delete(item);
        this.onDue(item, at);
      }
    }
    this.arm();
  }
}

function pushHeap(heap: number[], value: number): void {
  heap.push(value);
  let i = heap.length - 1;
  while (i > 0) {
    const up = (i - 1) >> 1;
    if (heap[up]! <= value) break;
    heap[i] = heap[up]!;
    i = up;
  }
  heap[i] = value;
}

function popHeap(heap: number[]): number | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && heap[right]! < heap[left]! ? right : left;
    if (heap[child]! >= last) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
  return top;
}
