import { eq } from 'drizzle-orm';
import type { Db } from './db';
import { signIns } from './schema';
import type { Vault } from './vault';

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

  put(account: string, signIn: SignIn): void {
    const row = { account, ...this.vault.seal(`sign-in:${account}`, signIn.refreshToken), scope: signIn.scope ?? null, updatedAt: Date.now() };
    this.db.insert(signIns).values(row).onConflictDoUpdate({ target: signIns.account, set: row }).run();
  }

  get(account: string): SignIn | undefined {
    const row = this.db.select().from(signIns).where(eq(signIns.account, account)).get();
    if (!row) return undefined;
    return { refreshToken: this.vault.open(`sign-in:${account}`, row, 'The stored sign-in'), scope: row.scope ?? undefined };
  }

  /** When the sign-in was last stored (a paused task resumes once a newer one exists). */
  updatedAt(account: string): number | undefined {
    return this.db.select({ at: signIns.updatedAt }).from(signIns).where(eq(signIns.account, account)).get()?.at;
  }

  delete(account: string): void {
    this.db.delete(signIns).where(eq(signIns.account, account)).run();
  }
}
