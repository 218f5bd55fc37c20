import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { RecheckedCache } from '../../../infrastructure/freshness/rechecked-cache';
import { hashPassword, verifyPassword } from '../../../infrastructure/security/passwords';
import type { RegisterFreshness } from '../register-freshness';

export interface Profile {
  displayName?: string | null;
  nip?: string | null;
  phone?: string | null;
}

/**
 * The mutable, erasable side of operator accounts: login name and password hash, a person's profile,
 * and login sessions. Kept out of the event store on purpose (events carry only the opaque operator id).
 */
export class OperatorAccounts {
  /** Sessions by token hash, held for the guard within the register freshness bound (a sign-out elsewhere counts within it). */
  private readonly sessions: RecheckedCache<string, { operatorId: string; expiresAt: number }>;

  constructor(
    private readonly db: DataSource,
    freshness: RegisterFreshness = { recheckMs: 0 },
  ) {
    this.sessions = new RecheckedCache(async (hash) => {
      const rows: { operator_id: string; expires_at: Date }[] = await this.db.query(
        `SELECT operator_id, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > now()`,
        [hash],
      );
      return rows[0] ? { operatorId: rows[0].operator_id, expiresAt: new Date(rows[0].expires_at).getTime() } : undefined;
    }, freshness);
  }

  async create(operatorId: string, userId: string, password: string, profile: Profile): Promise<'created' | 'user-id-taken'> {
    const hash = await hashPassword(password);
    return this.db.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO operator_accounts (operator_id, user_id, password_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING operator_id`,
        [operatorId, userId, hash],
      );
      if (inserted.length === 0) return 'user-id-taken' as const;
      await tx.query(`INSERT INTO operator_profiles (operator_id, display_name, nip, phone) VALUES ($1, $2, $3, $4)`, [
        operatorId,
        profile.displayName ?? null,
        profile.nip ?? null,
        profile.phone ?? null,
      ]);
      return 'created' as const;
    });
  }

  async verify(operatorId: string, password: string): Promise<boolean> {
    const rows: { password_hash: string }[] = await this.db.query(`SELECT password_hash FROM operator_accounts WHERE operator_id = $1`, [operatorId]);
    return rows[0] ? verifyPassword(rows[0].password_hash, password) : false;
  }

  async userIdTaken(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM operator_accounts WHERE user_id = $1`, [userId]);
    return rows.length > 0;
  }

  async userIdOf(operatorId: string): Promise<string | undefined> {
    const rows: { user_id: string }[] = await this.db.query(`SELECT user_id FROM operator_accounts WHERE operator_id = $1`, [operatorId]);
    return rows[0]?.user_id;
  }

  async byUserId(userId: string): Promise<{ operatorId: string; passwordHash: string } | undefined> {
    const rows: { operator_id: string; password_hash: string }[] = await this.db.query(
      `SELECT operator_id, password_hash FROM operator_accounts WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ? { operatorId: rows[0].operator_id, passwordHash: rows[0].password_hash } : undefined;
  }

  async setPassword(operatorId: string, password: string): Promise<void> {
    await this.db.query(`UPDATE operator_accounts SET password_hash = $2, updated_at = now() WHERE operator_id = $1`, [
      operatorId,
      await hashPassword(password),
    ]);
  }

  async profiles(): Promise<Map<string, Profile & { userId: string }>> {
    const rows: { operator_id: string; user_id: string; display_name: string | null; nip: string | null; phone: string | null }[] = await this.db.query(
      `SELECT a.operator_id, a.user_id, p.display_name, p.nip, p.phone FROM operator_accounts a LEFT JOIN operator_profiles p USING (operator_id)`,
    );
    return new Map(rows.map((r) => [r.operator_id, { userId: r.user_id, displayName: r.display_name, nip: r.nip, phone: r.phone }]));
  }

  /** Erases a person's details; the events about the account stay as they are. */
  async eraseProfile(operatorId: string): Promise<void> {
    await this.db.query(`UPDATE operator_profiles SET display_name = NULL, nip = NULL, phone = NULL, updated_at = now() WHERE operator_id = $1`, [operatorId]);
  }

  async hasOperator(operatorId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM operator_accounts WHERE operator_id = $1`, [operatorId]);
    return rows.length > 0;
  }

  async anyAccount(): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM operator_accounts LIMIT 1`);
    return rows.length > 0;
  }

  /** A new bearer token; only its SHA-256 is stored (a random 256-bit token, not personal data). */
  async openSession(operatorId: string, ttlSeconds: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.db.query(`DELETE FROM sessions WHERE expires_at < now()`);
    await this.db.query(`INSERT INTO sessions (token_hash, operator_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`, [
      tokenHash(token),
      operatorId,
      ttlSeconds,
    ]);
    return token;
  }

  async session(token: string): Promise<{ operatorId: string } | undefined> {
    const session = await this.sessions.get(tokenHash(token));
    return session && session.expiresAt > Date.now() ? { operatorId: session.operatorId } : undefined;
  }

  /** Ends one session (signing out). */
  async closeSession(token: string): Promise<void> {
    const hash = tokenHash(token);
    await this.db.query(`DELETE FROM sessions WHERE token_hash = $1`, [hash]);
    this.sessions.invalidate(hash);
  }

  /** Ends every session of an operator, but the one of `keepToken` if given. */
  async closeSessions(operatorId: string, keepToken?: string): Promise<void> {
    await this.db.query(`DELETE FROM sessions WHERE operator_id = $1 AND token_hash <> $2`, [operatorId, keepToken ? tokenHash(keepToken) : '']);
    this.sessions.invalidateAll(); // rare (a password change or reset): every held session is read again
  }
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
