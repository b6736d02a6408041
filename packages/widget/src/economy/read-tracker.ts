/**
 * Decides WHEN the reader is reading: the page is visible and the reader did something (scrolled,
 * moved the pointer, pressed a key, touched) recently. While both hold it calls `beat` every
 * interval, and once at once when reading (re)starts; when either stops (the tab is hidden, the
 * reader idle) or the tracker is disposed while reading, it calls `stop` once, so the server ends the
 * reading interval there and the hidden time is never paid (W-E17, READ-5). It never says how long
 * anyone read: the server measures that from the beats it receives, by its own clock.
 */

/** Without any input for this long, the reader is assumed away (a long paragraph takes under a minute). */
export const IDLE_AFTER_MS = 60_000;

const ACTIVITY_EVENTS = ['scroll', 'pointermove', 'pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

export interface ReadTrackerOptions {
  beat: () => void;
  /** Reading stopped: the server's interval ends at the previous beat (READ-5). */
  stop?: () => void;
  intervalMs: number;
  doc?: Document;
  win?: Window;
  now?: () => number;
}

export class ReadTracker {
  private lastActivity: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private beating = false;
  private readonly doc: Document;
  private readonly win: Window;
  private readonly now: () => number;

  constructor(private readonly options: ReadTrackerOptions) {
    this.doc = options.doc ?? document;
    this.win = options.win ?? window;
    this.now = options.now ?? Date.now;
    // Opening the page is activity: a reader who starts reading without touching anything counts.
    this.lastActivity = this.now();
    for (const name of ACTIVITY_EVENTS) this.win.addEventListener(name, this.onActivity, { passive: true, capture: true });
    this.doc.addEventListener('visibilitychange', this.tick);
    this.timer = setInterval(this.tick, options.intervalMs);
    this.tick();
  }

  /** True when a beat would be sent now. */
  get reading(): boolean {
    return this.doc.visibilityState === 'visible' && this.now() - this.lastActivity < IDLE_AFTER_MS;
  }

  dispose(): void {
    clearInterval(this.timer);
    if (this.beating) this.options.stop?.();
    this.beating = false;
    for (const name of ACTIVITY_EVENTS) this.win.removeEventListener(name, this.onActivity, { capture: true });
    this.doc.removeEventListener('visibilitychange', this.tick);
  }

  private readonly onActivity = (): void => {
    this.lastActivity = this.now();
    if (!this.beating) this.tick(); // reading restarts: start the server's clock at once
  };

  private readonly tick = (): void => {
    const was = this.beating;
    this.beating = this.reading;
    if (this.beating) this.options.beat();
    else if (was) this.options.stop?.();
  };
}
