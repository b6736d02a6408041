/**
 * [DUR-3] A value encoded once. A posted comment goes out as JSON four times — the event row, the
 * request record, the room's broadcast and the poster's ack — and a command that already has the
 * JSON of what it returns says so here, so each of those uses the same string instead of encoding
 * the same object again. The string must be exactly `JSON.stringify(value)` (tests check it), and
 * the value must not change afterwards: both are frozen by the command that remembers them.
 */
const remembered = new WeakMap<object, string>();

/** Remembers `json` as the encoding of `value` (which is frozen: its JSON can no longer go stale). */
export function withJson<T extends object>(value: T, json: string): Readonly<T> {
  remembered.set(Object.freeze(value), json);
  return value;
}

/** The JSON remembered for `value`, if any. */
export function rememberedJson(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? remembered.get(value) : undefined;
}

/** `JSON.stringify(value ?? null)`, or the string remembered for `value`. */
export function toJson(value: unknown): string {
  return rememberedJson(value) ?? JSON.stringify(value ?? null);
}
