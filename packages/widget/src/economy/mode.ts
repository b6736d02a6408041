/**
 * Economy mode: how much of the Twei economy this widget shows. Rules (tests name them):
 *   [W-E9]  the effective mode is the lesser of the site's (`economy:state` `mode`, `full` when an
 *           older server sends none) and the page's `economy` attribute (`off` < `compact` < `full`;
 *           anything else, or none, means `full`): a page can reduce what the site allows, never add.
 */
import { EconomyModes, type EconomyMode } from '@parley/protocol';

/** The page's `economy` attribute; an unknown or missing value asks for everything (`full`). */
export function parseEconomyMode(value: string | null | undefined): EconomyMode {
  const mode = value?.trim().toLowerCase();
  return (EconomyModes as readonly string[]).includes(mode ?? '') ? (mode as EconomyMode) : 'full';
}

/** [W-E9] The lesser of what the site allows and what the page asks for. */
export function effectiveEconomyMode(site: EconomyMode | undefined, page: EconomyMode): EconomyMode {
  const rank = (mode: EconomyMode) => EconomyModes.indexOf(mode);
  const allowed = site ?? 'full';
  return rank(page) < rank(allowed) ? page : allowed;
}
