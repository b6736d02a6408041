/**
 * Level gates: the lowest level at which a reader may take each action.
 *
 * The server's site configuration is the authority. A page may only ask for tighter gates (higher
 * levels) when a thread is first created; afterwards only an admin changes them. The widget shows
 * the gates the server returns in `ViewerState.gates` and never decides a gate itself.
 */
export const GatedActions = ['react', 'plus', 'minus', 'comment', 'reply', 'flag', 'notes', 'report'] as const;
export type GatedAction = (typeof GatedActions)[number];

/** Every action's minimum level. Level 0 means "any signed-in reader". */
export type Gates = Readonly<Record<GatedAction, number>>;

/** Highest level a gate may name; a gate above it could never open. */
export const MAX_GATE_LEVEL = 1000;

/** The gates of a site that configures none: every signed-in reader may do everything. */
export const OPEN_GATES: Gates = Object.freeze({
  react: 0,
  plus: 0,
  minus: 0,
  comment: 0,
  reply: 0,
  flag: 0,
  notes: 0,
  report: 0,
});

/** Whether a reader at `level` passes `action`'s gate. */
export function passesGate(gates: Gates, action: GatedAction, level: number): boolean {
  return level >= gates[action];
}
