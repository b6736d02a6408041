/**
 * [HOT-1] How a PostgreSQL transaction's statements travel: the query function a transaction runs
 * on, the result-less statements that wait for its next round trip, and values written into a
 * statement's text as literals, so several statements can go in one simple-protocol message.
 */
import pg, { type QueryResultRow } from 'pg';

/** Runs one statement on the transaction's connection (several, `;`-separated, when `values` is absent). */
export type Query = <R extends QueryResultRow>(
  text: string,
  values?: unknown[],
) => Promise<{ rows: R[]; rowCount: number; /** Several statements in one message: the results before the last. */ earlier?: Result[] }>;

/** One statement's result. */
export interface Result {
  rows: QueryResultRow[];
  rowCount: number;
}

/** The last result of a message as a `Query` answers it, with the ones before it. */
export function lastOf<R extends QueryResultRow>(result: pg.QueryResult | pg.QueryResult[]): { rows: R[]; rowCount: number; earlier: Result[] } {
  const all = Array.isArray(result) ? result : [result];
  const last = all[all.length - 1]!;
  return { rows: last.rows as R[], rowCount: last.rowCount ?? 0, earlier: all.slice(0, -1).map((r) => ({ rows: r.rows, rowCount: r.rowCount ?? 0 })) };
}

/** A statement whose result the command does not need: sent with the transaction's next round trip (HOT-1). */
export type Blind = (text: string, values: unknown[]) => Promise<void>;

/**
 * A NUL cannot be written into a statement's text (the protocol ends the text at it); such a string
 * goes as a parameter, which PostgreSQL refuses cleanly, as before.
 */
const inlineable = (value: unknown): boolean =>
  value === null ||
  (typeof value === 'string' && !value.includes('\u0000')) ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  (Array.isArray(value) && value.every((item) => typeof item === 'string' && !item.includes('\u0000')));

/** [HOT-1] An array of strings as PostgreSQL's array text (`{"a","b"}`: every element quoted, `"` and `\` escaped), for a literal cast by its statement. */
const arrayText = (items: readonly string[]): string => `{${items.map((item) => `"${item.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;

/** Whether `inlineStatement` can write these values into a statement (strings, finite numbers, booleans, null, arrays of strings). */
export const inlineableValues = (values: readonly unknown[]): boolean => values.every(inlineable);

/**
 * [HOT-1] A statement with its parameters written in as literals (pg's `escapeLiteral`, quoting
 * every value: an untyped literal is typed by its context as a parameter is), so it can travel in
 * one simple-protocol message with others. `$n` inside a quoted string of the text is left alone.
 * Only for values `inlineable` accepts (arrays of strings as array text, for a statement that casts
 * them: `$3::text[]`); anything else (bytes, other arrays) is sent as a parameter.
 */
export function inlineStatement(text: string, values: readonly unknown[]): string {
  return text.replace(/'(?:[^']|'')*'|\$(\d+)/g, (match: string, n: string | undefined) => {
    if (n === undefined) return match;
    const value = values[Number(n) - 1];
    if (value === undefined || !inlineable(value)) throw new Error(`inlineStatement: $${n} is not an inlineable value`);
    if (value === null) return 'NULL';
    return pg.escapeLiteral(Array.isArray(value) ? arrayText(value as string[]) : String(value));
  });
}
