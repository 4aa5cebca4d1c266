import { eq } from 'drizzle-orm';
import type { Db } from './db';
import { sealedAs, type Vault } from './vault';

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

  async put(app: OAuthApp): Promise<void> {
    const { oauthApps } = this.db.t;
    const domain = app.domain.toLowerCase();
    const { kind, ...rest } = app.credential;
    // A secret is sealed as it is (rows from before other kinds); the others as JSON.
    const sealed = app.credential.kind === 'secret' ? app.credential.secret : JSON.stringify(rest);
    const row = { domain, issuer: app.issuer, clientId: app.clientId, scope: app.scope ?? null, credentialKind: kind, ...this.vault.seal(sealedAs.app(domain), sealed), updatedAt: Date.now() };
    await this.db.orm.insert(oauthApps).values(row).onConflictDoUpdate({ target: oauthApps.domain, set: row });
  }

  async get(domain: string): Promise<OAuthApp | undefined> {
    const { oauthApps } = this.db.t;
    const [row] = await this.db.orm.select().from(oauthApps).where(eq(oauthApps.domain, domain.toLowerCase()));
    if (!row) return undefined;
    const opened = this.vault.open(sealedAs.app(row.domain), row, `The app credential for ${row.domain}`);
    const credential = (row.credentialKind === 'secret' ? { kind: 'secret', secret: opened } : { kind: row.credentialKind, ...JSON.parse(opened) }) as AppCredential;
    return { domain: row.domain, issuer: row.issuer, clientId: row.clientId, scope: row.scope ?? undefined, credential };
  }

  /** The registrations without their credentials, for display. */
  async list(): Promise<OAuthAppListing[]> {
    const rows = await this.db.orm.select().from(this.db.t.oauthApps);
    return rows.map((r) => ({ domain: r.domain, issuer: r.issuer, clientId: r.clientId, scope: r.scope ?? undefined, credentialKind: r.credentialKind as AppCredential['kind'] }));
  }

  async has(domain: string): Promise<boolean> {
    const { oauthApps } = this.db.t;
    const rows = await this.db.orm.select({ d: oauthApps.domain }).from(oauthApps).where(eq(oauthApps.domain, domain.toLowerCase()));
    return rows.length > 0;
  }

  async delete(domain: string): Promise<boolean> {
    const { oauthApps } = this.db.t;
    const rows = await this.db.orm.delete(oauthApps).where(eq(oauthApps.domain, domain.toLowerCase())).returning({ d: oauthApps.domain });
    return rows.length > 0;
  }
}
