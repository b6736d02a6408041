/**
 * What the viewer may do in this thread, from the server's answer alone (level and gates in
 * ViewerState). A locked action is shown with the level that opens it, never hidden silently.
 */
import { passesGate, type GatedAction, type ViewerState } from '@parley/protocol';
import type { Translate } from '../i18n/translator.js';

export interface ViewerAccess {
  signedIn: boolean;
  /** For each action: 0 when allowed, otherwise the level that unlocks it. */
  lockedFrom: (action: GatedAction) => number;
}

export function viewerAccess(viewer: ViewerState | null): ViewerAccess {
  const signedIn = Boolean(viewer?.user);
  return {
    signedIn,
    lockedFrom: (action) => (!viewer || !signedIn || passesGate(viewer.gates, action, viewer.level) ? 0 : viewer.gates[action]),
  };
}

/** The reference page's wording. */
export const availableFrom = (t: Translate, level: number): string => t('availableFrom', { level });

/**
 * The words under the plus/minus buttons when the reader is below their gate: "Available from LVL 5"
 * when one level opens both, otherwise each ("Plus from LVL 3 · Minus from LVL 8"); null when open.
 */
export function voteLockText(t: Translate, access: ViewerAccess): string | null {
  if (!access.signedIn) return null;
  const plus = access.lockedFrom('plus');
  const minus = access.lockedFrom('minus');
  if (!plus && !minus) return null;
  if (plus === minus) return availableFrom(t, plus);
  return [plus ? t('plusFrom', { level: plus }) : '', minus ? t('minusFrom', { level: minus }) : ''].filter(Boolean).join(' · ');
}
