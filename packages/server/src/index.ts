/**
 * @parley/server public API. The demo and the benchmark depend on exactly these names.
 */
export { startParleyServer, type ParleyServer } from './server.js';
export type { ParleyServerOptions, RateLimitOptions, Budget } from './config.js';
export { memoryLimiters, type LimiterFactory } from './transport/rate-limit.js';
export type { TrustProxy } from './transport/client-address.js';
export { signToken, verifyToken, type TokenClaims, type SignOptions } from './transport/tokens.js';
export { signThreadClaim, THREAD_CLAIM_TYPE, type ThreadClaim } from './sites/thread-claims.js';
export type { ThreadSpec, ThreadInfo } from './commands/threads.js';
export type { Identity } from './domain/identity.js';
export type { Logger } from './logger.js';
export type { Store, ReadTx, WriteTx } from './store/types.js';
export { SqliteStore } from './store/sqlite/sqlite-store.js';
export { PostgresStore, type PostgresStoreOptions } from './store/postgres/postgres-store.js';
export { ParleyError } from './errors.js';
export { defaultEconomyRules, type EconomyOptions, type EconomyRules } from './economy/rules.js';
export { auditLedger, type LedgerAudit } from './economy/audit.js';
export * from './moderation/index.js';
export { signatureHeader, verifySignature, SIGNATURE_HEADER, type SignatureCheck } from './moderation/signing.js';
