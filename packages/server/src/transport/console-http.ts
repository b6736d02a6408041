/** The console API's HTTP plumbing: its refusals (`Problem`), reading a JSON body and parsing it with a schema. */
import type { IncomingMessage } from 'node:http';
import { ErrorCodes } from '@parley/protocol';
import { describeIssues } from '@parley/protocol/schemas';
import type { z } from 'zod';

const MAX_BODY_BYTES = 64 * 1024;

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The HTTP status of a ParleyError code the console API lets through. */
export const STATUS: Partial<Record<string, number>> = {
  [ErrorCodes.authRequired]: 401,
  [ErrorCodes.invalidToken]: 401,
  [ErrorCodes.forbidden]: 403,
  [ErrorCodes.notFound]: 404,
  [ErrorCodes.unknownSite]: 404,
  [ErrorCodes.invalidPayload]: 400,
  [ErrorCodes.insufficientFunds]: 409,
  [ErrorCodes.commentDeleted]: 409,
};

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Problem(413, 'payload_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new Problem(400, ErrorCodes.invalidPayload, 'The body is not JSON.');
  }
}

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Problem(400, ErrorCodes.invalidPayload, `${what} is malformed.`, { issues: describeIssues(parsed.error) });
  return parsed.data;
}
