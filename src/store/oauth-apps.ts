import { eq } from 'drizzle-orm';
import type { Db } from './db';
import { oauthApps } from './schema';
import type { Vault } from './vault';

/**
 * How an app proves who it is: a client secret; a certificate's private key (Microsoft's client
 * assertion, the certificate named by its SHA-1 thumbprint); or a Google service account's key
 * (JWT bearer grant, RFC 7523, acting for each mailbox by domain-wide delegation).
 */
export type AppCredential =
  | { kind: 'secret'; secret: string }
  | { kind: 'certificate'; privateKeyPem: string; thumbprint: string }
  | { kind: 'service-account'; clientEmail: string; privateKeyPem: string; keyId?: string; tokenUri: string };

/** An app registration that gets tokens for any mailbox of its domain. */
export interface OAuthApp {
  domain: string;
  /** The issuer URL, or a preset name (microsoft, google). */
  issuer: string;
  /** The client id (a Google service account: its e-mail address). */
  clientId: string;
  credential: AppCredential;
  scope?: string;
}

/** What is shown of a registration: never its credential, only which kind it is. */
export type OAuthAppListing = Omit<OAuthApp, 'credential'> & { credentialKind: AppCredential['kind'] };

/** App-only OAuth2 registrations by mail domain; the credential sealed by the vault, bound to its domain. */
export class OAuthApps {
  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
  ) {}

  put(app: OAuthApp): void {
    const domain = app.domain.toLowerCase();
    const { kind, ...rest } = app.credential;
    // A secret is sealed as it is (rows from before other kinds); the others as JSON.
    const sealed = app.credential.kind === 'secret' ? app.credential.secret : JSON.stringify(rest);
    const row = { domain, issuer: app.issuer, clientId: app.clientId, scope: app.scope ?? null, credentialKind: kind, ...this.vault.seal(`oauth-app:${domain}`, sealed), updatedAt: Date.now() };
    this.db.insert(oauthApps).values(row).onConflictDoUpdate({ target: oauthApps.domain, set: row }).run();
  }

  get(domain: string): OAuthApp | undefined {
    const row = this.db.select().from(oauthApps).where(eq(oauthApps.domain, domain.toLowerCase())).get();
    if (!row) return undefined;
    const opened = this.vault.open(`oauth-app:${row.domain}`, row, `The app credential for ${row.domain}`);
    const credential = (row.credentialKind === 'secret' ? { kind: 'secret', secret: opened } : { kind: row.credentialKind, ...JSON.parse(opened) }) as AppCredential;
    return { domain: row.domain, issuer: row.issuer, clientId: row.clientId, scope: row.scope ?? undefined, credential };
  }

  /** The registrations without their credentials, for display. */
  list(): OAuthAppListing[] {
    return this.db
      .select()
      .from(oauthApps)
      .all()
      .map((r) => ({ domain: r.domain, issuer: r.issuer, clientId: r.clientId, scope: r.scope ?? undefined, credentialKind: r.credentialKind as AppCredential['kind'] }));
  }

  has(domain: string): boolean {
    return this.db.select({ d: oauthApps.domain }).from(oauthApps).where(eq(oauthApps.domain, domain.toLowerCase())).get() !== undefined;
  }

  delete(domain: string): boolean {
    return this.db.delete(oauthApps).where(eq(oauthApps.domain, domain.toLowerCase())).run().changes > 0;
  }
}
