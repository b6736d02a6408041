/**
 * Words for the typing indicator. In the live parts' chunk [PAINT-15] (nobody types before the thread
 * is live); room-view.ts is in the lazy Yjs chunk.
 */
import '../i18n/en-live.js';
import type { Translate } from '../i18n/translator.js';

/** "Bella Ciao is typing a reply…", "Ann and Bob are typing…", "Ann and 2 others are typing…". */
export function typingSentence(t: Translate, names: readonly string[], reply: boolean): string {
  const name = names[0]!;
  if (names.length === 1) return t(reply ? 'typingReply' : 'typingComment', { name });
  if (names.length === 2) return t('typingTwo', { name, other: names[1]! });
  return t('typingMany', { name, count: names.length - 1 });
}
