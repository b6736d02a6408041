import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two inputs that mean the same thing hash the
 * same whatever order a client wrote the keys in. `undefined` members are dropped, as JSON does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
  return `{${entries.join(',')}}`;
}

/** What a requestId is bound to: the action and its input. A retry must match it exactly. */
export function fingerprint(eventName: string, input: unknown): string {
  return createHash('sha256').update(eventName).update('\n').update(canonicalJson(input)).digest('base64url');
}
