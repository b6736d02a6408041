import { describe, expect, it } from 'vitest';
import { diffText, moveCaret } from './text-diff.js';

describe('diffText: one minimal Y.Text edit per textarea change', () => {
  it('finds an insertion, a deletion and a replacement', () => {
    expect(diffText('abc', 'abXc')).toEqual({ index: 2, remove: 0, insert: 'X' });
    expect(diffText('abc', 'ac')).toEqual({ index: 1, remove: 1, insert: '' });
    expect(diffText('hello world', 'hello there')).toEqual({ index: 6, remove: 5, insert: 'there' });
    expect(diffText('same', 'same')).toBeNull();
  });

  it('in a run of equal letters, keeps the prefix longest (the caret is usually after the typing)', () => {
    expect(diffText('aa', 'aaa')).toEqual({ index: 2, remove: 0, insert: 'a' });
  });

  it('never splits a surrogate pair (emoji)', () => {
    expect(diffText('a😀', 'a😃')).toEqual({ index: 1, remove: 2, insert: '😃' });
  });

  it('applying the edit always yields the new text', () => {
    const cases = [['', 'x'], ['x', ''], ['abcdef', 'abXYef'], ['aaaa', 'aa'], ['ab', 'ba'], ['😀😀', '😀']];
    for (const [before, after] of cases) {
      const edit = diffText(before!, after!)!;
      expect(before!.slice(0, edit.index) + edit.insert + before!.slice(edit.index + edit.remove)).toBe(after);
    }
  });
});

describe('moveCaret: a caret stays where the reader was typing when others edit', () => {
  it('stays before an edit further on, shifts after one before it', () => {
    expect(moveCaret('hello world', 'hello big world', 3)).toBe(3);
    expect(moveCaret('hello world', 'oh hello world', 8)).toBe(11);
    expect(moveCaret('hello world', 'world', 8)).toBe(2);
  });

  it('inside a replaced range it goes to the end of the new text', () => {
    expect(moveCaret('abcdef', 'aXf', 3)).toBe(2);
  });
});
