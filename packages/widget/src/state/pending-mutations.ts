/**
 * Mutations the server has not acknowledged yet. They are kept in memory and in sessionStorage
 * (per server and thread) so that a comment typed in a tunnel, or before a reload, is sent again
 * with the SAME requestId and therefore stored exactly once.
 */
import type {
  AuthorView,
  CommentDeleteInput,
  CommentEditInput,
  CommentPostInput,
  CommentReactInput,
  ParleyError,
  PostVoteInput,
} from '@parley/protocol';

interface MutationBase {
  requestId: string;
  /** Whose mutation this is; dropped if a different reader joins (e.g. after signing out). */
  userId: string;
}

export interface PostMutation extends MutationBase {
  kind: 'post';
  input: CommentPostInput;
  author: AuthorView;
  createdAt: number;
  /** Where the placeholder is shown; resolved from the parent when the reply was written. */
  placement: { rootId: string | null; parentId: string | null; depth: number; replyToName: string | null };
  state: 'pending' | 'failed';
  error?: ParleyError;
}
export interface EditMutation extends MutationBase { kind: 'edit'; input: CommentEditInput }
export interface DeleteMutation extends MutationBase { kind: 'delete'; input: CommentDeleteInput }
export interface ReactMutation extends MutationBase { kind: 'react'; input: CommentReactInput }
export interface VoteMutation extends MutationBase { kind: 'vote'; input: PostVoteInput }

export type Mutation = PostMutation | EditMutation | DeleteMutation | ReactMutation | VoteMutation;

export interface MutationStorage {
  load(): Mutation[];
  save(mutations: readonly Mutation[]): void;
}

export function memoryStorage(initial: Mutation[] = []): MutationStorage & { saved: Mutation[] } {
  const box = {
    saved: structuredClone(initial),
    load: () => structuredClone(box.saved),
    save: (mutations: readonly Mutation[]) => {
      box.saved = structuredClone([...mutations]);
    },
  };
  return box;
}

/** sessionStorage, not localStorage: a pending comment belongs to this tab's session. */
export function sessionMutationStorage(key: string): MutationStorage {
  const storageKey = `parley:pending:${key}`;
  const storage = (): Storage | null => {
    try {
      return globalThis.sessionStorage ?? null;
    } catch {
      return null; // blocked third-party storage throws on access
    }
  };
  return {
    load() {
      try {
        const raw = storage()?.getItem(storageKey);
        const parsed: unknown = raw ? JSON.parse(raw) : [];
        return Array.isArray(parsed) ? (parsed.filter(isMutation) as Mutation[]) : [];
      } catch {
        return [];
      }
    },
    save(mutations) {
      try {
        if (mutations.length === 0) storage()?.removeItem(storageKey);
        else storage()?.setItem(storageKey, JSON.stringify(mutations));
      } catch {
        // Quota or privacy mode: the mutation still lives in memory for this page.
      }
    },
  };
}

function isMutation(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.requestId === 'string' &&
    typeof m.userId === 'string' &&
    typeof m.input === 'object' &&
    ['post', 'edit', 'delete', 'react', 'vote'].includes(m.kind as string)
  );
}
