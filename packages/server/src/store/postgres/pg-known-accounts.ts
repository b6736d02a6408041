/**
 * [HOT-9] Ledger accounts this node knows to exist, with their `created_at`: an account is opened
 * once and never deleted, and neither its kind nor its `created_at` ever changes, so once a
 * transaction that opened or saw it has committed, every later snapshot sees the same facts.
 * A write transaction then opens such an account, and reads its age, with no statement.
 *
 * Only what was committed before a transaction's snapshot may stand in for a read of it: a fact
 * learned after the transaction began (another thread's commit on this node) could be of a row its
 * snapshot does not see, and a transfer to a row the snapshot does not see would be refused (or
 * worse). So each fact carries the tick it was learned at, each transaction takes a tick before its
 * first statement is sent, and a transaction uses only facts learned before its tick.
 */

/** How many accounts a node remembers (the oldest learned are forgotten first; forgetting costs a statement, never correctness). */
const LIMIT = 100_000;

export class KnownAccounts {
  private clock = 0;
  private readonly known = new Map<string, { createdAt: number; tick: number }>();

  constructor(private readonly limit = LIMIT) {}

  /** A tick taken before a transaction's first statement is sent: what was learned before it, its snapshot sees. */
  tick(): number {
    return ++this.clock;
  }

  /** After a COMMIT: these accounts exist, committed, with these `created_at`s. */
  learn(accounts: ReadonlyMap<string, number>): void {
    if (accounts.size === 0) return;
    const tick = ++this.clock;
    for (const [account, createdAt] of accounts) {
      if (this.known.has(account)) continue;
      this.known.set(account, { createdAt, tick });
      if (this.known.size > this.limit) this.known.delete(this.known.keys().next().value!);
    }
  }

  /** The account's `created_at` when it was known to exist before `tick`; otherwise undefined (ask PostgreSQL). */
  createdAt(account: string, tick: number): number | undefined {
    const fact = this.known.get(account);
    return fact !== undefined && fact.tick < tick ? fact.createdAt : undefined;
  }

  get size(): number {
    return this.known.size;
  }
}

/** What a transaction knows of accounts: the node's facts as of its tick, and what it saw or opened itself. */
export interface AccountFacts {
  known: KnownAccounts;
  /** Taken before the transaction's first statement (KnownAccounts.tick). */
  tick: number;
}
