/**
 * Decides WHEN the reader is reading: the page is visible and the reader did something (scrolled,
 * moved the pointer, pressed a key, touched) recently. While both hold it calls `beat` every
 * interval, and once at once when reading (re)starts. It never says how long anyone read: the server
 * measures that from the beats it receives, by its own clock.
 */

/** Without any input for this long, the reader is assumed away (a long paragraph takes under a minute). */
export const IDLE_AFTER_MS = 60_000;

const ACTIVITY_EVENTS = ['scroll', 'pointermove', 'pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

export interface ReadTrackerOptions {
  beat: () => void;
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
    for (const name of ACTIVITY_EVENTS) this.win.removeEventListener(name, this.onActivity, { capture: true });
    this.doc.removeEventListener('visibilitychange', this.tick);
  }

  private readonly onActivity = (): void => {
    this.lastActivity = this.now();
    if (!this.beating) this.tick(); // reading restarts: start the server's clock at once
  };

  private readonly tick = (): void => {
    this.beating = this.reading;
    if (this.beating) this.options.beat();
  };
}
