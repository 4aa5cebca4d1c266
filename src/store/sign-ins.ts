import { eq } from 'drizzle-orm';
import type { Db } from './db';
import { sealedAs, type Vault } from './vault';

/** A stored OAuth2 sign-in: the refresh token (decrypted) and the scopes granted. */
export interface SignIn {
  refreshToken: string;
  scope?: string;
}

/**
 * OAuth2 sign-ins by account key (issuer, client and user; see src/auth). The refresh token is
 * sealed by the vault, bound to its account key, so a row copied to another account does not open.
 */
export class SignIns {
  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
  ) {}

  async put(account: string, signIn: SignIn): Promise<void> {
    const { signIns } = this.db.t;
    const row = { account, ...this.vault.seal(sealedAs.signIn(account), signIn.refreshToken), scope: signIn.scope ?? null, updatedAt: Date.now() };
    await this.db.orm.insert(signIns).values(row).onConflictDoUpdate({ target: signIns.account, set: row });
  }

  async get(account: string): Promise<SignIn | undefined> {
    const { signIns } = this.db.t;
    const [row] = await this.db.orm.select().from(signIns).where(eq(signIns.account, account));
    if (!row) return undefined;
    return { refreshToken: this.vault.open(sealedAs.signIn(account), row, 'The stored sign-in'), scope: row.scope ?? undefined };
  }

  /** When the sign-in was last stored (a paused task resumes once a newer one exists). */
  async updatedAt(account: string): Promise<number | undefined> {
    const { signIns } = this.db.t;
    const [row] = await this.db.orm.select({ at: signIns.updatedAt }).from(signIns).where(eq(signIns.account, account));
    return row?.at;
  }

  async delete(account: string): Promise<void> {
    const { signIns } = this.db.t;
    await this.db.orm.delete(signIns).where(eq(signIns.account, account));
  }
}
