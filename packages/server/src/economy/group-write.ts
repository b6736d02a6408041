/**
 * [BEAT-21] Group commit for the writes beats ask for (reading-clocks.ts): one transaction at a time a
 * node, carrying every item that joined while the one before it was being written, up to `max`. At
 * low load an item is written at once, alone (nothing waits for a timer); under a wave of them — two
 * thousand readers reaching their first Twei together — a few transactions carry them all instead of
 * one each, so they neither queue for the store's connections nor conflict with each other over the
 * same counters (the day's mint shards) on PostgreSQL.
 *
 * `batch` writes a group in ONE transaction and answers each item in order, or null when it failed;
 * then each item of the group is written by `alone`, so one item's failure holds no other back.
 */
export class GroupWrite<T, R> {
  private readonly waiting: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;
  /** Groups written in one transaction, the items they carried, and the groups that failed and were written alone. */
  readonly stats = { groups: 0, items: 0, failed: 0 };

  constructor(
    private readonly max: number,
    private readonly batch: (items: readonly T[]) => Promise<R[] | null>,
    private readonly alone: (item: T) => Promise<R>,
  ) {}

  /** Items waiting for the group being written now. */
  get size(): number {
    return this.waiting.length;
  }

  /** Writes `item` with the next group; its answer once that group's transaction committed. */
  join(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      // Started after the current turn, so items joined in the same turn share the first group.
      if (!this.writing) {
        this.writing = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.writeGroup(this.waiting.splice(0, this.max));
    } finally {
      this.writing = false;
    }
  }

  private async writeGroup(group: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[]): Promise<void> {
    let results: R[] | null = null;
    try {
      results = await this.batch(group.map((entry) => entry.item));
    } catch {
      results = null;
    }
    if (results) {
      this.stats.groups += 1;
      this.stats.items += group.length;
      group.forEach((entry, index) => entry.resolve(results[index]!));
      return;
    }
    this.stats.failed += 1;
    await Promise.allSettled(group.map((entry) => this.alone(entry.item).then(entry.resolve, entry.reject)));
  }
}
