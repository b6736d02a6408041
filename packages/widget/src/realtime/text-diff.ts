/**
 * Turning a textarea's new value into one Y.Text edit, and keeping a caret in place when the text
 * changes under it. Pure, and free of Yjs so the main bundle can use it before Yjs loads.
 */

/** The single replaced range that turns `before` into `after`: common prefix and suffix kept. */
export interface TextEdit {
  index: number;
  remove: number;
  insert: string;
}

export function diffText(before: string, after: string): TextEdit | null {
  if (before === after) return null;
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < shorter - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  ) {
    end++;
  }
  // Never split a surrogate pair: Y.Text counts UTF-16 units, but a half emoji is not text.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/**
 * Where a caret at `position` in `before` belongs in `after`: before the changed range it stays,
 * after it it moves by the change in length, inside it it goes to the end of the inserted text.
 */
export function moveCaret(before: string, after: string, position: number): number {
  const edit = diffText(before, after);
  if (!edit) return position;
  if (position <= edit.index) return position;
  if (position >= edit.index + edit.remove) return position + edit.insert.length - edit.remove;
  return edit.index + edit.insert.length;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
