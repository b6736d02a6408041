import { describe, expect, it } from 'vitest';
import { placeComment, type ParentInfo } from './threading.js';

const root: ParentInfo = { id: 'a', rootId: 'a', parentId: null, depth: 0, authorName: 'Ann' };
const child: ParentInfo = { id: 'b', rootId: 'a', parentId: 'a', depth: 1, authorName: 'Bella' };
const grandchild: ParentInfo = { id: 'c', rootId: 'a', parentId: 'b', depth: 2, authorName: 'Carl' };

describe('placeComment', () => {
  it('places a comment without parent as its own root at depth 0', () => {
    expect(placeComment('x', null)).toEqual({ rootId: 'x', parentId: null, replyToId: null, replyToName: null, depth: 0 });
  });

  it('nests a reply one level under its parent below the cap', () => {
    expect(placeComment('x', root)).toEqual({ rootId: 'a', parentId: 'a', replyToId: 'a', replyToName: 'Ann', depth: 1 });
    expect(placeComment('x', child)).toEqual({ rootId: 'a', parentId: 'b', replyToId: 'b', replyToName: 'Bella', depth: 2 });
  });

  it('flattens a reply to a depth-2 comment beside it, remembering whom it answers', () => {
    expect(placeComment('x', grandchild)).toEqual({
      rootId: 'a',
      parentId: 'b',
      replyToId: 'c',
      replyToName: 'Carl',
      depth: 2,
    });
  });

  it('honours a different cap', () => {
    expect(placeComment('x', child, 1)).toMatchObject({ parentId: 'a', depth: 1, replyToId: 'b' });
  });
});
