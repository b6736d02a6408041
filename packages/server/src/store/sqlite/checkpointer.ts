/**
 * [DUR-1] WAL checkpoints off the writer's thread. SQLite's automatic checkpoint runs inside the
 * COMMIT that crosses 1,000 WAL frames, on the connection that commits — ours, on the event loop's
 * thread: it copies every page the last few groups wrote into the database file and fsyncs it, and
 * every reader and writer of the server waits (measured: most of a sustained post's wall time).
 *
 * Here the writer's connection never checkpoints (`wal_autocheckpoint = 0`); a worker thread with a
 * connection of its own runs `PRAGMA wal_checkpoint(PASSIVE)` after commits — one at a time, at most
 * one every `everyMs`, so a page many commits rewrite is copied once — which never blocks the writer. A passive checkpoint cannot restart the WAL while writes keep coming, so
 * when the WAL has grown past `restartFrames` the store holds its next write group until a
 * checkpoint has caught up with everything (at most `catchUpMs`): the next write then starts the
 * WAL from its beginning again, and the file stops growing. Durability is unchanged: the WAL is
 * still synced after each COMMIT before anyone is answered (wal-sync.ts, DUR-10); the checkpoint
 * connection fsyncs the WAL before copying and the database file after.
 *
 * If the worker cannot start or dies, the writer's connection checkpoints by itself again.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** The worker's whole program: CommonJS, evaluated, so it needs no file of its own (vitest runs the sources). */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: row.busy, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error) });
  }
});
`;

interface CheckpointReply {
  ok: boolean;
  busy?: number;
  /** Frames in the WAL, and of them copied into the database file. */
  log?: number;
  checkpointed?: number;
  error?: string;
}

export interface CheckpointStats {
  /** Checkpoints the worker ran. */
  checkpoints: number;
  /** Times the writer waited for a checkpoint to catch up (so the WAL could restart). */
  catchUps: number;
  /** Frames in the WAL at the last checkpoint. */
  walFrames: number;
  /** Time write groups spent waiting for those catch-ups, in all and the longest once (ms): a stall of every writer. */
  catchUpMs: number;
  longestCatchUpMs: number;
}

export class BackgroundCheckpointer {
  readonly stats: CheckpointStats = { checkpoints: 0, catchUps: 0, walFrames: 0, catchUpMs: 0, longestCatchUpMs: 0 };
  private inFlight: Promise<CheckpointReply> | null = null;
  /** Commits since the last checkpoint started. */
  private dirty = false;
  private failed = false;
  private closed = false;
  private lastStartedAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly db: Database.Database,
    private readonly restartFrames: number,
    private readonly catchUpMs: number,
    private readonly everyMs: number,
  ) {
    worker.unref();
    worker.on('error', () => this.fallBack());
    worker.on('exit', () => this.fallBack());
  }

  /** For a WAL database file: the writer's connection stops checkpointing, a worker does it. */
  static start(db: Database.Database, path: string, options: { restartFrames?: number; catchUpMs?: number; everyMs?: number } = {}): BackgroundCheckpointer | null {
    let worker: Worker;
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(workerSource, { eval: true, workerData: { driver, path } });
    } catch {
      return null;
    }
    db.pragma('wal_autocheckpoint = 0');
    return new BackgroundCheckpointer(worker, db, options.restartFrames ?? 10_000, options.catchUpMs ?? 1000, options.everyMs ?? 50);
  }

  /** After a COMMIT: a checkpoint soon, unless one is running (the one after it picks this up). */
  committed(): void {
    this.dirty = true;
    this.soon();
  }

  /** Starts a checkpoint now, or at the end of the `everyMs` since the last one started. */
  private soon(): void {
    if (this.inFlight || this.timer || this.closed || this.failed) return;
    const wait = this.lastStartedAt + this.everyMs - Date.now();
    if (wait <= 0) {
      void this.checkpoint();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.dirty && !this.inFlight) void this.checkpoint();
    }, wait);
    this.timer.unref();
  }

  /**
   * Before a write group: when the WAL has grown past `restartFrames`, wait (at most `catchUpMs`)
   * for a checkpoint of every frame, so the group's BEGIN restarts the WAL. Otherwise at once.
   */
  async beforeWrite(): Promise<void> {
    if (this.failed || this.closed || this.stats.walFrames < this.restartFrames) return;
    this.stats.catchUps += 1;
    const started = performance.now();
    try {
      const deadline = Date.now() + this.catchUpMs;
      while (Date.now() < deadline) {
        const reply = await (this.inFlight ?? this.checkpoint());
        if (!reply.ok || this.failed) return;
        // Nothing was written meanwhile (this writer is holding its group): caught up, or a reader
        // elsewhere holds old frames, and waiting longer will not help.
        if (reply.log === reply.checkpointed) return;
        if (!this.dirty && reply.busy) return;
      }
    } finally {
      const waited = performance.now() - started;
      this.stats.catchUpMs += waited;
      this.stats.longestCatchUpMs = Math.max(this.stats.longestCatchUpMs, waited);
    }
  }

  private checkpoint(): Promise<CheckpointReply> {
    this.dirty = false;
    this.lastStartedAt = Date.now();
    const reply = new Promise<CheckpointReply>((resolve) => {
      const settle = (message: CheckpointReply) => {
        this.worker.off('exit', exited);
        resolve(message);
      };
      const exited = () => {
        this.worker.off('message', settle);
        resolve({ ok: false, error: 'checkpoint worker exited' });
      };
      this.worker.once('message', settle);
      this.worker.once('exit', exited);
      this.worker.postMessage('checkpoint');
    });
    this.inFlight = reply.then((message) => {
      this.inFlight = null;
      if (message.ok) {
        this.stats.checkpoints += 1;
        this.stats.walFrames = message.log ?? 0;
        // Commits came in while it ran: their frames are the next checkpoint's.
        if (this.dirty) this.soon();
      }
      return message;
    });
    return this.inFlight;
  }

  /** Lets the writer's connection checkpoint by itself again (SQLite's default, 1,000 frames). */
  private fallBack(): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    try {
      this.db.pragma('wal_autocheckpoint = 1000');
    } catch {
      // The connection is closed already: nothing more to checkpoint through it.
    }
  }

  /** Closes the worker's connection and the worker; the writer's connection's close checkpoints the rest. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Held referenced while it closes: an unreferenced worker would let the process end while this
    // waits for it, before whatever the caller does after `close()` (a CLI's last line).
    if (!this.failed) this.worker.ref();
    await this.inFlight;
    this.closed = true;
    if (this.failed) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
