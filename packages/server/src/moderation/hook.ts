/**
 * The external moderation hook (SPEC HOOK-1…5): before a comment is stored, Parley POSTs it with
 * its author to the host's service (a toxicity model, Akismet behind a small adapter, a human queue)
 * and follows the answer — publish, hold for review, reject, and tags for moderators.
 *
 *   POST <hook.url>
 *   Content-Type: application/json
 *   Parley-Signature: t=<unix s>,v1=<hex HMAC-SHA256(hook.secret, "<t>.<body>")>   (signing.ts)
 *   Parley-Request-Id: <id, also in the body>
 *
 *   { "type": "comment.screen", "id", "site", "thread", "at",
 *     "comment": { "body", "parentId" }, "author": { "id", "name", "level", "role" } }
 *
 *   200 { "action": "publish" | "hold" | "reject", "reasons"?: string[], "tags"?: string[] }
 *
 * A comment is never lost and never published unchecked: no answer within `timeoutMs`, a refused
 * connection, a non-2xx status, a redirect or an answer that is not the JSON above each HOLD the
 * comment, with the reason for moderators. The call happens before the write transaction (the
 * registry's contract), so a slow hook delays its own comment and nobody else's.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { signatureHeader, SIGNATURE_HEADER } from './signing.js';
import type { ScreenInput, ScreenVerdict } from './verdict.js';

export interface HookOptions {
  /** Where the POST goes: `https://…` (or `http://` for a service on the same host or network). */
  url: string;
  /** HMAC-SHA256 key shared with the host's service, at least 32 bytes (`openssl rand -base64 32`). */
  secret: string;
  /**
   * How long Parley waits for the answer (connection, headers and body), in ms; then the comment is held.
   * @default 2000 — a reader waits for their own post's acknowledgement for this long at worst; a
   * toxicity model answers in tens of ms, so 2 s only trips when the service is in trouble.
   */
  timeoutMs?: number;
}

export const DEFAULT_HOOK_TIMEOUT_MS = 2000;
/** An answer larger than this is not a verdict: the comment is held. */
const MAX_ANSWER_BYTES = 64 * 1024;

const Answer = z.object({
  action: z.enum(['publish', 'hold', 'reject']),
  reasons: z.array(z.string().min(1).max(300)).max(10).optional(),
  tags: z.array(z.string().min(1).max(64)).max(20).optional(),
});

/** The request body, exactly as signed and sent. */
export function hookRequestBody(input: ScreenInput, id: string): string {
  return JSON.stringify({
    type: 'comment.screen',
    id,
    site: input.site.id,
    thread: input.thread,
    at: input.at,
    comment: { body: input.body, parentId: input.parentId },
    author: { id: input.author.id, name: input.author.name, level: input.author.level, role: input.author.role },
  });
}

const held = (reason: string, tags: string[] = ['hook']): ScreenVerdict => ({ action: 'hold', reasons: [reason], tags });

export interface HookResult {
  verdict: ScreenVerdict;
  /** What happened, for the activity log: `answered`, `timeout`, `error`, `status`, `invalid`. */
  outcome: 'answered' | 'timeout' | 'error' | 'status' | 'invalid';
  ms: number;
}

/** Calls the hook once. Never throws: every failure is a hold. */
export async function callHook(options: HookOptions, input: ScreenInput, now: () => number = Date.now): Promise<HookResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const id = randomUUID();
  const body = hookRequestBody(input, id);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signatureHeader([options.secret], body, now()),
        'parley-request-id': id,
        'user-agent': 'Parley-Hook/1',
      },
      body,
      redirect: 'error',
      signal,
    });
    const text = await readBounded(response, MAX_ANSWER_BYTES);
    if (!response.ok) return { verdict: held(`moderation hook answered HTTP ${response.status}; held for review`), outcome: 'status', ms: elapsed() };
    let json: unknown;
    try {
      json = JSON.parse(text ?? '');
    } catch {
      json = undefined;
    }
    const answer = Answer.safeParse(json);
    if (text === null || !answer.success) return { verdict: held('moderation hook gave no valid verdict; held for review'), outcome: 'invalid', ms: elapsed() };
    const { action, reasons = [], tags = [] } = answer.data;
    const verdict: ScreenVerdict = {
      action,
      reasons: reasons.length > 0 || action === 'publish' ? reasons : [action === 'hold' ? 'held by the moderation hook' : 'This comment was refused by the site.'],
      ...(tags.length > 0 && { tags }),
    };
    return { verdict, outcome: 'answered', ms: elapsed() };
  } catch (error) {
    if (signal.aborted) return { verdict: held(`moderation hook did not answer within ${timeoutMs} ms; held for review`), outcome: 'timeout', ms: elapsed() };
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return { verdict: held(`moderation hook unreachable (${reason}); held for review`), outcome: 'error', ms: elapsed() };
  }
}

/** The body as text, or null when it is larger than `max` bytes (reading stops there). */
async function readBounded(response: Response, max: number): Promise<string | null> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The registry's screener for one server: each site with a `hook` gets it called; the outcome is logged. */
export function hookScreener(logger: Logger, now: () => number = Date.now) {
  return async (input: ScreenInput): Promise<ScreenVerdict | null> => {
    const options = input.site.hook;
    if (!options) return null;
    // A comment the word list refuses in the transaction needs no verdict (and the host no copy).
    if (!input.site.words.empty && input.site.words.match(input.body).banned.length > 0) return null;
    const result = await callHook(options, input, now);
    const fields = { site: input.site.id, thread: input.thread, author: input.author.id, outcome: result.outcome, action: result.verdict.action, ms: result.ms };
    if (result.outcome === 'answered') logger.info('moderation hook', fields);
    else logger.warn('moderation hook failed; comment held', { ...fields, reason: result.verdict.reasons[0] });
    return result.verdict;
  };
}
