/**
 * The readers' typing sessions (readers.ts): a share of the signed-in readers types at any moment,
 * in sessions of `typingSeconds` — typing on at the start (the main composer or a reply box), off
 * at the end, and one session in five moving to another box part-way. New sessions start at the
 * rate that keeps the share steady. Every change is one `presence:set`, sent by the fleet.
 */
import type { ReaderBehaviour } from './readers.js';

/** Not typing; otherwise the comment answered (null: the main composer). */
export type TypingAt = string | null | undefined;

/** What a session needs of a reader. */
export interface Typer {
  readonly signedIn: boolean;
  typing: TypingAt;
  typingEndsAt: number;
  /** When this session moves to another box (Infinity: it stays where it started). */
  typingMovesAt: number;
  readonly client: { readonly open: boolean } | null;
}

/** Typing changes of a window, counted into the fleet's cadence counts. */
export interface TypingCounts {
  typingStarts: number;
  typingStops: number;
  typingMoves: number;
}

export class TypingSessions<R extends Typer> {
  private readonly typists: R[] = [];
  private credit = 0;
  private on = false;

  constructor(
    private readonly behaviour: ReaderBehaviour,
    /** Comments a typing reader may answer (reply boxes); none: the main composer only. */
    private readonly replyTargets: readonly string[],
    /** Sends the reader's presence (its typing changed). */
    private readonly send: (reader: R) => void,
    /** Where this window's changes are counted (the fleet replaces it when a window opens). */
    private readonly counts: () => TypingCounts,
  ) {}

  /** Readers typing now. */
  get typing(): number {
    return this.typists.length;
  }

  /**
   * Starts the sessions (presence on only): a share of the signed-in readers typing at once, part-way
   * through their sessions, then new sessions at the rate that keeps the share steady.
   */
  start(readers: readonly R[]): void {
    if (!this.behaviour.presence || this.behaviour.typingShare <= 0) return;
    this.on = true;
    const signedIn = readers.filter((reader) => reader.signedIn);
    const target = Math.round(signedIn.length * this.behaviour.typingShare);
    const now = performance.now();
    for (let n = 0; n < target; n++) {
      const reader = signedIn[Math.floor(Math.random() * signedIn.length)];
      if (reader && reader.typing === undefined) this.startSession(reader, now, Math.random());
    }
  }

  stop(): void {
    this.on = false;
  }

  /** One tick of the fleet's timer: moves and ends sessions that are due, starts new ones. */
  tick(readers: readonly R[], now: number, elapsed: number): void {
    if (!this.on) return;
    for (let n = this.typists.length - 1; n >= 0; n--) {
      const reader = this.typists[n] as R;
      if (reader.typingMovesAt <= now && reader.typingEndsAt > now) {
        reader.typingMovesAt = Number.POSITIVE_INFINITY;
        reader.typing = this.target();
        this.counts().typingMoves += 1;
        if (reader.client?.open) this.send(reader);
      }
      if (reader.typingEndsAt > now) continue;
      this.typists[n] = this.typists[this.typists.length - 1] as R;
      this.typists.pop();
      reader.typing = undefined;
      this.counts().typingStops += 1;
      if (reader.client?.open) this.send(reader);
    }
    // Sessions start at the rate that keeps the share steady: share × signed-in ÷ mean length.
    const [shortest, longest] = this.behaviour.typingSeconds;
    const signedIn = readers.length * this.behaviour.signedInShare;
    this.credit += ((signedIn * this.behaviour.typingShare) / ((shortest + longest) / 2)) * (elapsed / 1000);
    for (let attempts = 0; this.credit >= 1 && attempts < 100; attempts++) {
      const reader = readers[Math.floor(Math.random() * readers.length)];
      if (!reader?.signedIn || reader.typing !== undefined || !reader.client?.open) continue;
      this.credit -= 1;
      this.startSession(reader, now);
    }
  }

  private startSession(reader: R, now: number, remaining = 1): void {
    const [shortest, longest] = this.behaviour.typingSeconds;
    const ms = (shortest + Math.random() * (longest - shortest)) * 1000 * remaining;
    reader.typing = this.target();
    reader.typingEndsAt = now + ms;
    // One session in five moves to another box part-way (the reader answers someone else instead).
    reader.typingMovesAt = Math.random() < 0.2 ? now + ms * Math.random() : Number.POSITIVE_INFINITY;
    this.typists.push(reader);
    this.counts().typingStarts += 1;
    this.send(reader);
  }

  /** Half the sessions answer a comment (a reply box), half write in the main composer (null). */
  private target(): string | null {
    if (this.replyTargets.length === 0 || Math.random() < 0.5) return null;
    return this.replyTargets[Math.floor(Math.random() * this.replyTargets.length)] ?? null;
  }
}
