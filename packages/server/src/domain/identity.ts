/**
 * Who is acting, as established by transport from a verified token. Commands receive it and never
 * look at tokens or sockets. A guest is `null`, not an Identity.
 *
 * Later issues (SSO with public keys, server-recorded XP levels) change how an Identity is made,
 * not its shape, so commands and gates stay untouched.
 */
export type Identity = {
  id: string;
  name: string;
  avatar: string | null;
  level: number;
  role: 'reader' | 'moderator' | 'admin';
  /** The site whose token established this identity; absent = the server's default site. */
  site?: string;
  /**
   * The reader's address and email opt-in, from the host's token (`email`, `email_replies`):
   * recorded when they post, for reply emails (moderation/mail.ts). Absent = no address given.
   */
  email?: { address: string; replies: boolean };
};
