/** The console's JSON API (packages/server/src/transport/console-routes.ts). */

export interface Author {
  id: string;
  name: string;
  avatar: string | null;
  level: number;
}

export interface HeldItem {
  kind: 'held';
  id: string;
  thread: string;
  parentId: string | null;
  author: Author;
  body: string;
  createdAt: number;
  state: string;
  reasons: string[];
  tags: string[];
}

export interface CommentItem {
  kind: 'comment';
  id: string;
  thread: string;
  parentId: string | null;
  depth: number;
  author: Author;
  body: string;
  createdAt: number;
  deletedAt: number | null;
  hiddenAt?: number | null;
  hiddenBody?: string;
  likes: number;
  dislikes: number;
  flags: number;
  flagReasons: Record<string, number>;
  flagNotes: { reason: string; note: string; at: number }[];
}

export interface Ban {
  site: string;
  userId: string;
  kind: 'ban' | 'suspend' | 'mute';
  until: number | null;
  reason: string | null;
  byName: string;
  at: number;
}

export interface ReaderItem {
  kind: 'reader';
  userId: string;
  name: string;
  flags: number;
  flaggedComments: number;
  ban: Ban | null;
}

export type Item = HeldItem | CommentItem | ReaderItem;

export interface LogEntry {
  id: number;
  at: number;
  actorId: string;
  actorName: string;
  actorRole: string;
  action: string;
  thread: string | null;
  commentId: string | null;
  userId: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
}

export interface Policy {
  all?: boolean;
  belowLevel?: number;
  firstComments?: number;
  links?: boolean;
}

export interface Session {
  signedIn: boolean;
  site?: string;
  sites?: string[];
  moderator?: { id: string; name: string; role: string };
  csrf?: string;
}

export type Action =
  | { action: 'approve' | 'reject'; commentId: string; reason?: string | null }
  | { action: 'hide' | 'unhide' | 'delete' | 'keep'; thread: string; commentId: string; reason?: string | null }
  | { action: 'ban'; userId: string; kind: 'ban' | 'suspend' | 'mute'; durationMs?: number | null; reason?: string | null }
  | { action: 'unban'; userId: string; reason?: string | null };

export type ActionResult = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  csrf = '';

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') headers['X-Parley-CSRF'] = this.csrf;
    const response = await fetch(`/admin/api${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined && { body: JSON.stringify(body) }) });
    const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) throw new ApiError(response.status, String(data.error ?? 'error'), String(data.message ?? response.statusText));
    return data as T;
  }

  session = (): Promise<Session> => this.call('GET', '/session');
  signIn = (site: string | undefined, credential: string): Promise<Session> => this.call('POST', '/session', { ...(site && { site }), credential });
  /** Signs out: the server revokes this session on every node (SPEC CON-8). */
  signOut = (): Promise<Session> => this.call('DELETE', '/session');
  /** Ends every console session of `moderator` (default: one's own, everywhere). */
  revokeSessions = (moderator?: string): Promise<{ revoked: string }> => this.call('POST', '/sessions/revoke', moderator ? { moderator } : {});
  queue = (name: string): Promise<{ items: Item[]; total?: number }> => this.call('GET', `/queue/${name}?limit=100`);
  counts = (): Promise<{ held: number; flagged: number; readers: number; bans: number }> => this.call('GET', '/counts');
  act = (items: Action[]): Promise<{ results: ActionResult[] }> => this.call('POST', '/actions', { items });
  log = (): Promise<{ entries: LogEntry[] }> => this.call('GET', '/log?limit=100');
  reader = (id: string): Promise<{ userId: string; ban: Ban | null; comments: CommentItem[]; log: LogEntry[] }> => this.call('GET', `/readers/${encodeURIComponent(id)}`);
  thread = (id: string): Promise<{
    thread: { id: string; title: string | null; url: string | null; commentCount: number; published: boolean } & Record<string, unknown>;
    comments: CommentItem[];
    held: HeldItem[];
    premoderation: { thread: Policy | null; effective: Policy };
    gates: { gates: Record<string, number>; recorded: Record<string, number>; siteGates: Record<string, number> };
  }> => this.call('GET', `/threads/${encodeURIComponent(id)}`);
  threads = (): Promise<{ threads: { id: string; title: string | null; commentCount: number }[] }> => this.call('GET', '/threads?limit=100');
  settings = (): Promise<{ site: string; premoderation: { config: Policy; override: Policy | null; effective: Policy }; gates: Record<string, number>; economy: string; autoCreateThreads: boolean; trustHostLevels: boolean }> =>
    this.call('GET', '/settings');
  saveSettings = (premoderation: Policy | null): Promise<unknown> => this.call('PUT', '/settings', { premoderation });
  saveThread = (id: string, body: { premoderation?: Policy | null; gates?: Record<string, number>; publish?: boolean }): Promise<unknown> =>
    this.call('PUT', `/threads/${encodeURIComponent(id)}/settings`, body);
}
