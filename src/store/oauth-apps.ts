import { eq } from 'drizzle-orm';
import type { Db } from './db';
import { oauthApps } from './schema';
import type { Vault } from './vault';

/** An app registration that gets tokens for any mailbox of its domain (client credentials). */
export interface OAuthApp {
  domain: string;
  /** The issuer URL, or a preset name (microsoft). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/** App-only OAuth2 registrations by mail domain; the client secret sealed by the vault, bound to its domain. */
export class OAuthApps {
  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
  ) {}

  put(app: OAuthApp): void {
    const domain = app.domain.toLowerCase();
    const row = { domain, issuer: app.issuer, clientId: app.clientId, scope: app.scope ?? null, ...this.vault.seal(`oauth-app:${domain}`, app.clientSecret), updatedAt: Date.now() };
    this.db.insert(oauthApps).values(row).onConflictDoUpdate({ target: oauthApps.domain, set: row }).run();
  }

  get(domain: string): OAuthApp | undefined {
    const row = this.db.select().from(oauthApps).where(eq(oauthApps.domain, domain.toLowerCase())).get();
    if (!row) return undefined;
    return { domain: row.domain, issuer: row.issuer, clientId: row.clientId, scope: row.scope ?? undefined, clientSecret: this.vault.open(`oauth-app:${row.domain}`, row, `The client secret for ${row.domain}`) };
  }

  /** The registrations without their secrets, for display. */
  list(): Array<Omit<OAuthApp, 'clientSecret'>> {
    return this.db.select().from(oauthApps).all().map((r) => ({ domain: r.domain, issuer: r.issuer, clientId: r.clientId, scope: r.scope ?? undefined }));
  }

  has(domain: string): boolean {
    return this.db.select({ d: oauthApps.domain }).from(oauthApps).where(eq(oauthApps.domain, domain.toLowerCase())).get() !== undefined;
  }

  delete(domain: string): boolean {
    return this.db.delete(oauthApps).where(eq(oauthApps.domain, domain.toLowerCase())).run().changes > 0;
  }
}
