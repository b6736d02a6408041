// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { articleReadMinutes, countWords, readMinutes } from './read-time.js';

describe('time to read', () => {
  it('counts words, not punctuation or spacing', () => {
    expect(countWords('  Iran’s offer — to mediate, a 2600-km frontier.  ')).toBe(7);
    expect(countWords('')).toBe(0);
  });

  it('rounds to whole minutes at 230 words a minute, at least one', () => {
    expect(readMinutes(10)).toBe(1);
    expect(readMinutes(460)).toBe(2);
    expect(readMinutes(0)).toBeNull();
  });

  it('uses read-time when given, else the words of the article element, else nothing', () => {
    document.body.innerHTML = `<div id="story">${'word '.repeat(700)}</div>`;
    expect(articleReadMinutes(document, '#story', '7')).toBe(7);
    expect(articleReadMinutes(document, '#story', null)).toBe(3);
    expect(articleReadMinutes(document, '#missing', null)).toBeNull();
    expect(articleReadMinutes(document, '###bad(', null)).toBeNull();
    expect(articleReadMinutes(document, null, 'soon')).toBeNull();
  });
});
