/**
 * One per server (on the CommandContext as `ctx.moderation`): the screeners comments pass at
 * `comment:post` time and the moderation events fired after commit.
 *
 *   ctx.moderation.registerScreener(myScreener)   // returns an unregister function
 *   ctx.moderation.events.on('comment.flagged', …)
 */
import { combineVerdicts, PUBLISH, type ScreenInput, type Screener, type ScreenVerdict } from './verdict.js';
import { ModerationEvents } from './events.js';

export class ModerationHub {
  private readonly screeners: { name: string; screen: Screener }[] = [];

  readonly events: ModerationEvents;

  constructor(private readonly onError: (what: string, error: unknown) => void = () => {}) {
    this.events = new ModerationEvents((name, error) => onError(`moderation listener for ${name} threw`, error));
  }

  /** Whether any screener is registered (a post with none is screened by nothing before its transaction). */
  get screens(): boolean {
    return this.screeners.length > 0;
  }

  /** Adds a screener (run in registration order, all of them, concurrently). Returns a function removing it. */
  registerScreener(name: string, screen: Screener): () => void {
    const entry = { name, screen };
    this.screeners.push(entry);
    return () => {
      const at = this.screeners.indexOf(entry);
      if (at >= 0) this.screeners.splice(at, 1);
    };
  }

  /** Every registered screener's verdict, combined. A screener that throws holds the comment. */
  async runScreeners(input: ScreenInput): Promise<ScreenVerdict> {
    if (this.screeners.length === 0) return PUBLISH;
    const verdicts = await Promise.all(
      this.screeners.map(async ({ name, screen }) => {
        try {
          return await screen(input);
        } catch (error) {
          this.onError(`screener ${name} failed; the comment is held`, error);
          return { action: 'hold', reasons: [`screener ${name} failed`] } satisfies ScreenVerdict;
        }
      }),
    );
    return combineVerdicts(verdicts);
  }
}
