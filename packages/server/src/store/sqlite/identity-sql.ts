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
  keepHiddenBody: `INSERT INTO hidden_bodies (thread, comment_id, body, hidden_by)
    SELECT thread, id, body, ? FROM comments WHERE thread = ? AND id = ?`,
  markHidden: "UPDATE comments SET body = '', doc = NULL, hidden_at = ? WHERE thread = ? AND id = ?",
  takeHiddenBody: 'DELETE FROM hidden_bodies WHERE thread = ? AND comment_id = ? RETURNING body',
  markShown: 'UPDATE comments SET body = ?, hidden_at = NULL WHERE thread = ? AND id = ?',
} as const;
