/**
 * Levels from recorded XP (lifetime Twei earned), for sites that do not take levels from the host.
 *
 * A level curve is a list of XP thresholds: `curve[i]` is the XP needed to reach level `i + 1`, so
 * `curve[0]` is 0 (every signed-in reader is at least level 1) and the list rises strictly.
 */
export type LevelCurve = readonly number[];

/** Highest level the default curve describes; the curve stops rising there. */
const DEFAULT_MAX_LEVEL = 100;

/**
 * @default level n needs 5·n·(n−1) XP: level 2 at 10 XP, level 13 at 780, level 25 at 3,000 —
 * early levels come within a few articles, the commenting gate (13) after weeks of reading.
 */
export const DEFAULT_LEVEL_CURVE: LevelCurve = Array.from({ length: DEFAULT_MAX_LEVEL }, (_, i) => 5 * (i + 1) * i);

/** The level a reader with `xp` has reached: how many thresholds they have passed. */
export function levelForXp(xp: number, curve: LevelCurve = DEFAULT_LEVEL_CURVE): number {
  let low = 0;
  let high = curve.length;
  // Binary search for the first threshold above xp.
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((curve[mid] ?? Infinity) <= xp) low = mid + 1;
    else high = mid;
  }
  return Math.max(1, low);
}

/** Why a curve is unusable, or null when it is fine. Checked when the configuration is loaded. */
export function levelCurveProblem(curve: readonly number[]): string | null {
  if (curve.length === 0) return 'the level curve is empty';
  if (curve[0] !== 0) return 'the level curve must start at 0 (level 1 needs no XP)';
  for (let i = 1; i < curve.length; i++) {
    const previous = curve[i - 1] ?? 0;
    const current = curve[i] ?? 0;
    if (!Number.isInteger(current) || current <= previous) return `the level curve must rise strictly (level ${i + 1})`;
  }
  return null;
}
