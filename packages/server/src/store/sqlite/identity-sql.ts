/** Identity statements; merged into the store's prepared statements (statements.ts). */
export const identitySql = {
  getThreadSettings: 'SELECT site, gates, updated_at FROM thread_settings WHERE thread = ?',
  insertThreadSettings: `INSERT INTO thread_settings (thread, site, gates, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (thread) DO NOTHING`,
  upsertThreadSettings: `INSERT INTO thread_settings (thread, site, gates, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (thread) DO UPDATE SET gates = excluded.gates, updated_at = excluded.updated_at`,
  getXp: 'SELECT xp FROM user_xp WHERE site = ? AND user_id = ?',
  addXp: `INSERT INTO user_xp (site, user_id, xp) VALUES (?, ?, ?)
    ON CONFLICT (site, user_id) DO UPDATE SET xp = xp + excluded.xp RETURNING xp`,
} as const;
