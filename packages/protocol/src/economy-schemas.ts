/** Inbound payloads of the Twei economy (see economy.ts for the flow). Strict, like every schema. */
import { z } from 'zod';
import { Limits } from './constants.js';

const threadId = z
  .string()
  .min(1)
  .max(Limits.maxIdLength)
  .regex(/^[A-Za-z0-9._:/-]+$/, 'use letters, digits and . _ : / - only');
const requestId = z.string().min(1).max(Limits.maxIdLength);

export const EconomyStateInput = z.strictObject({ thread: threadId });
/**
 * Only "which thread": the server decides how much reading time that is, from its own clock.
 * `stop: true` says reading stopped (tab hidden, reader idle): the server's reading interval ends
 * at the previous beat, and the next beat starts a new one (READ-5).
 */
export const ReadHeartbeatInput = z.strictObject({ thread: threadId, stop: z.literal(true).optional() });
export const ReportBuyInput = z.strictObject({ requestId, thread: threadId });
export const ReportListInput = z.strictObject({ thread: threadId });
export const ThreadPublishInput = z.strictObject({ requestId, thread: threadId });

export type EconomyStateInput = z.infer<typeof EconomyStateInput>;
export type ReadHeartbeatInput = z.infer<typeof ReadHeartbeatInput>;
export type ReportBuyInput = z.infer<typeof ReportBuyInput>;
export type ReportListInput = z.infer<typeof ReportListInput>;
export type ThreadPublishInput = z.infer<typeof ThreadPublishInput>;

export const EconomyInputSchemas: readonly [string, z.ZodType][] = [
  ['economy:state', EconomyStateInput],
  ['read:heartbeat', ReadHeartbeatInput],
  ['report:buy', ReportBuyInput],
  ['report:list', ReportListInput],
  ['thread:publish', ThreadPublishInput],
];
