import { Limits } from '@parley/protocol';

/** Where a new comment sits in the tree. */
export interface Placement {
  rootId: string;
  parentId: string | null;
  replyToId: string | null;
  replyToName: string | null;
  depth: number;
}

/** The fields of a parent comment that decide where a reply goes. */
export interface ParentInfo {
  id: string;
  rootId: string;
  parentId: string | null;
  depth: number;
  authorName: string;
}

/**
 * Replies nest at most {@link Limits.maxDepth} deep so a thread stays readable on a phone. A reply
 * to a comment already at the cap is shown beside it (under the same parent), and `replyTo*` keeps
 * whom it really answers so the widget can write "@Bella".
 */
export function placeComment(ownId: string, parent: ParentInfo | null, maxDepth: number = Limits.maxDepth): Placement {
  if (!parent) {
    return { rootId: ownId, parentId: null, replyToId: null, replyToName: null, depth: 0 };
  }
  const flattened = parent.depth >= maxDepth;
  return {
    rootId: parent.rootId,
    parentId: flattened ? parent.parentId : parent.id,
    replyToId: parent.id,
    replyToName: parent.authorName,
    depth: flattened ? maxDepth : parent.depth + 1,
  };
}
