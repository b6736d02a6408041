import type { GateTightenings } from '@parley/protocol';
import type { ThreadSettings } from '../identity-store.js';
import type { Statements } from './statements.js';

export interface SettingsRow {
  site: string;
  gates: string;
  updated_at: number;
}

export const toSettings = (row: SettingsRow): ThreadSettings => ({
  site: row.site,
  gates: JSON.parse(row.gates) as GateTightenings,
  updatedAt: row.updated_at,
});

/** The SQLite side of IdentityWriteTx; SqliteTx delegates to these with its checked statements. */
export const sqliteIdentity = {
  getThreadSettings(st: Statements, thread: string): ThreadSettings | null {
    const row = st.getThreadSettings.get(thread) as SettingsRow | undefined;
    return row ? toSettings(row) : null;
  },
  getXp(st: Statements, site: string, userId: string): number {
    return (st.getXp.get(site, userId) as { xp: number } | undefined)?.xp ?? 0;
  },
  recordThreadSettings(st: Statements, thread: string, site: string, gates: GateTightenings, at: number): ThreadSettings {
    st.insertThreadSettings.run(thread, site, JSON.stringify(gates), at);
    return toSettings(st.getThreadSettings.get(thread) as SettingsRow);
  },
  setThreadGates(st: Statements, thread: string, site: string, gates: GateTightenings, at: number): ThreadSettings {
    st.upsertThreadSettings.run(thread, site, JSON.stringify(gates), at);
    return toSettings(st.getThreadSettings.get(thread) as SettingsRow);
  },
  addXp(st: Statements, site: string, userId: string, amount: number): number {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error(`addXp: amount must be a positive integer, got ${amount}`);
    return (st.addXp.get(site, userId, amount) as { xp: number }).xp;
  },
  hideComment(st: Statements, thread: string, id: string, by: string, at: number): void {
    st.keepHiddenBody.run(by, thread, id);
    st.markHidden.run(at, thread, id);
  },
  showComment(st: Statements, thread: string, id: string): string {
    const body = (st.takeHiddenBody.get(thread, id) as { body: string } | undefined)?.body ?? '';
    st.markShown.run(body, thread, id);
    return body;
  },
};
