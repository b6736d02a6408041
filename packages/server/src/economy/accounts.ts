/**
 * Ledger account ids. Readers are per site (the same `sub` on two sites is two people), and each
 * site has its own treasury, so one site's economy never pays another's readers.
 */
export const readerAccount = (site: string, userId: string): string => `r:${site}:${userId}`;
/**
 * What a reader owes their site's treasury (DEBT-1): an account of kind 'treasury' (the kind that may
 * go negative) whose balance is minus the debt. Loans from it let a reversal take exactly what was
 * paid; later credits pay it back first.
 */
export const debtAccount = (site: string, userId: string): string => `d:${site}:${userId}`;
export const treasuryAccount = (site: string): string => `t:${site}`;
/** Socket.IO room of every connection of one reader of one site: where `wallet:update` goes. */
export const walletRoom = (site: string, userId: string): string => `user:${site}:${userId}`;
