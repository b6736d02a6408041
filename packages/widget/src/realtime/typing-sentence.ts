/** Words for the typing indicator. In the main bundle: room-view.ts is in the lazy Yjs chunk. */

/** "Bella Ciao is typing a reply…", "Ann and Bob are typing…", "Ann and 2 others are typing…". */
export function typingSentence(names: readonly string[], reply: boolean): string {
  const what = reply ? 'a reply' : 'a comment';
  if (names.length === 1) return `${names[0]} is typing ${what}…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names[0]} and ${names.length - 1} others are typing…`;
}
