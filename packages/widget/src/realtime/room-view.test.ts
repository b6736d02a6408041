import { describe, expect, it } from 'vitest';
import { PresenceView } from '@parley/protocol';
import { readingNow, typingMap } from './room-view.js';
import { typingSentence } from './typing-sentence.js';
import { englishOnly } from '../i18n/translator.js';

const view = (readers: number, typing: { key: string; name: string; parentId: string | null }[] = []): PresenceView => {
  const presence = new PresenceView('t');
  presence.applySnapshot({ thread: 't', node: 'n1', readers, typing });
  return presence;
};

describe('what presence shows', () => {
  it('[W-R1] shows the server\'s count of distinct readers, the viewer included, and at least the viewer', () => {
    expect(readingNow(view(0))).toBe(1);
    expect(readingNow(view(4))).toBe(4);
    const twoNodes = view(3);
    twoNodes.applyChange({ thread: 't', node: 'n2', readers: 2 });
    expect(readingNow(twoNodes)).toBe(5);
    // A node that says nothing for the presence timeout is forgotten.
    let clock = 0;
    const aging = new PresenceView('t', () => clock);
    aging.applySnapshot({ thread: 't', node: 'n1', readers: 3, typing: [] });
    clock = 31_000;
    expect(readingNow(aging)).toBe(1);
  });

  it('[W-R2] maps who types where, without the viewer and without repeating a name', () => {
    const typing = [
      { key: 'u:bella', name: 'Bella Ciao', parentId: 'c1' },
      { key: 'u:ann', name: 'Ann', parentId: null },
    ];
    expect([...typingMap(view(3, typing), 'u:me')]).toEqual([
      ['c1', ['Bella Ciao']],
      ['', ['Ann']],
    ]);
    expect([...typingMap(view(3, typing), 'u:bella')]).toEqual([['', ['Ann']]]);
    const changing = view(3, typing);
    changing.applyChange({ thread: 't', node: 'n1', typing: { clear: ['u:ann'], set: [{ key: 'u:cy', name: 'Cy', parentId: 'c1' }] } });
    expect([...typingMap(changing, null)]).toEqual([['c1', ['Bella Ciao', 'Cy']]]);
  });

  it('says it in words', () => {
    expect(typingSentence(englishOnly, ['Bella Ciao'], true)).toBe('Bella Ciao is typing a reply…');
    expect(typingSentence(englishOnly, ['Bella Ciao'], false)).toBe('Bella Ciao is typing a comment…');
    expect(typingSentence(englishOnly, ['Ann', 'Bob'], true)).toBe('Ann and Bob are typing…');
    expect(typingSentence(englishOnly, ['Ann', 'Bob', 'Cy'], false)).toBe('Ann and 2 others are typing…');
  });
});
