/** Initials and a stable color for a reader without a picture (or whose picture failed to load). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return letters.map((w) => Array.from(w)[0]!.toUpperCase()).join('') || '?';
}

/**
 * One of AVATAR_COLORS, from the id, so a reader keeps one color everywhere. A class of the
 * stylesheet, never an inline `style`: the widget works under a strict `style-src 'self'` [W-A11Y1].
 */
export function avatarColor(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % AVATAR_COLORS.length;
}

/** Twelve colors that each carry white initials at ≥ 5:1 contrast (WCAG AA asks 4.5), in both themes. */
export const AVATAR_COLORS = [
  '#b42318', '#b54708', '#8a6100', '#3b7c0f', '#067647', '#0e7090',
  '#175cd3', '#3538cd', '#6938ef', '#9e165f', '#c11574', '#475467',
] as const;
