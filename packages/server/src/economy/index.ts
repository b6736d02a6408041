export { economyState } from './economy-state.js';
export { readHeartbeat } from './read-heartbeat.js';
export { buyReport, listReports } from './buy-report.js';
export { publishThread } from './publish-thread.js';
export { EconomyDirectory, defaultEconomyRules, type EconomyOptions, type EconomyRules } from './rules.js';
export { readerAccount, treasuryAccount, walletRoom } from './accounts.js';
export type { WalletDelivery } from './ledger-book.js';
