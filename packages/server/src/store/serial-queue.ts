/**
 * Runs async tasks strictly one after another. The SQLite store has one connection, so two
 * transactions must never interleave across an `await`; this queue is what guarantees it. Write
 * transactions waiting together run as one task of it (sqlite/group-commit.ts).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(task);
    const settle = (): void => {
      this.pending -= 1;
    };
    // The chain must go on whatever the task did, but the caller still sees the rejection.
    this.tail = result.then(settle, settle);
    return result;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.pending;
  }

  /** Resolves once everything queued so far has settled. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
