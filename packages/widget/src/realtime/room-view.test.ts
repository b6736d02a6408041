import { describe, expect, it } from 'vitest';
import type { PresenceState } from '@parley/protocol';
import { readingNow, typingMap } from './room-view.js';
import { typingSentence } from './typing-sentence.js';

const bella = (typing: PresenceState['typing'] = null): PresenceState => ({
  typing,
  reader: 'u:bella',
  user: { id: 'bella', name: 'Bella Ciao', level: 21 },
});
const guest = (clientId: number, typing: PresenceState['typing'] = null): PresenceState => ({ typing, reader: `g:${clientId}`, user: null });

describe('what presence shows', () => {
  it('[W-R1] counts distinct readers: a reader in two tabs once, each guest tab, and the viewer', () => {
    expect(readingNow([], 'u:me')).toBe(1);
    expect(readingNow([bella(), bella(), guest(1), guest(2)], 'u:me')).toBe(4);
    expect(readingNow([bella()], 'u:bella')).toBe(1);
  });

  it('[W-R2] maps who types where, without the viewer and without repeating a name', () => {
    const map = typingMap([bella({ parentId: 'c1' }), bella({ parentId: 'c1' }), guest(7, { parentId: null }), guest(8)], 'u:me');
    expect([...map]).toEqual([
      ['c1', ['Bella Ciao']],
      ['', ['A guest']],
    ]);
    expect(typingMap([bella({ parentId: 'c1' })], 'u:bella').size).toBe(0);
  });

  it('says it in words', () => {
    expect(typingSentence(['Bella Ciao'], true)).toBe('Bella Ciao is typing a reply…');
    expect(typingSentence(['Bella Ciao'], false)).toBe('Bella Ciao is typing a comment…');
    expect(typingSentence(['Ann', 'Bob'], true)).toBe('Ann and Bob are typing…');
    expect(typingSentence(['Ann', 'Bob', 'Cy'], false)).toBe('Ann and 2 others are typing…');
  });
});
