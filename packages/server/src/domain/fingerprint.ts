import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two inputs that mean the same thing hash the
 * same whatever order a client wrote the keys in. `undefined` members are dropped, as JSON does.
 * Built by concatenation, without arrays of entries: it runs for every mutation.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i] ?? null);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  // Code-unit order, as the `<` comparison of the first version sorted them.
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}

/** What a requestId is bound to: the action and its input. A retry must match it exactly. */
export function fingerprint(eventName: string, input: unknown): string {
  // One-shot: the same SHA-256 of the same bytes as createHash().update(name).update('\n').update(json).
  return hash('sha256', `${eventName}\n${canonicalJson(input)}`, 'base64url');
}
