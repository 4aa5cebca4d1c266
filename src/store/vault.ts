import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { TernError } from '../errors';
import type { Logger } from '../log';
import type { Db } from './db';

/**
 * Credential vault: passwords encrypted at rest with AES-256-GCM. The key comes from
 * TERN_SECRET_KEY (32 bytes, base64 or hex); without it one is generated into the data directory.
 */
export function loadSecretKey(secret: string | undefined, dataDir: string, log?: Logger): Buffer {
  if (secret) return decodeKey(secret);
  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) return decodeKey(fs.readFileSync(file, 'utf8').trim(), file);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  log?.warn({ file }, 'TERN_SECRET_KEY is not set: generated a credential key in the data directory; back it up or set TERN_SECRET_KEY');
  return decodeKey(fs.readFileSync(file, 'utf8').trim(), file);
}

function decodeKey(text: string, file?: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    const where = file ? `The key in ${file}` : 'TERN_SECRET_KEY';
    throw new TernError('CONFIG_INVALID', `${where} must be 32 bytes, base64 or hex (make one with: openssl rand -base64 32).`);
  }
  return key;
}

/**
 * What each kind of secret is sealed with as associated data: a sealed value opens only as the
 * secret it was stored as (a task's password cannot be passed off as another task's, or as a sign-in).
 */
export const sealedAs = {
  credential: (taskId: string, side: string) => `${taskId}:${side}`,
  signIn: (account: string) => `sign-in:${account}`,
  app: (domain: string) => `oauth-app:${domain}`,
};

/** Sealed rows of each kind that checkKey tries. */
const KEY_SAMPLE = 5;

/** AES-256-GCM: iv, tag and ciphertext, base64. */
export interface Sealed {
  iv: string;
  tag: string;
  ciphertext: string;
}

export class Vault {
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
  ) {}

  async put(taskId: string, side: string, password: string): Promise<void> {
    const { credentials } = this.db.t;
    const row = { taskId, side, ...this.seal(sealedAs.credential(taskId, side), password) };
    await this.db.orm.insert(credentials).values(row).onConflictDoUpdate({ target: [credentials.taskId, credentials.side], set: row });
  }

  /** Encrypts a secret bound to `context` (it opens only with the same context). */
  seal(context: string, secret: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  /** The secret `seal` made; throws (naming `what`) when the key is not the one it was sealed with. */
  open(context: string, sealed: Sealed, what: string): string {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new TernError('CONFIG_INVALID', `${what} cannot be decrypted: TERN_SECRET_KEY is not the key they were saved with.`);
    }
  }

  /** The password, or undefined when it was purged. Throws when the key does not match. */
  async get(taskId: string, side: string): Promise<string | undefined> {
    const { credentials } = this.db.t;
    const [row] = await this.db.orm.select().from(credentials).where(and(eq(credentials.taskId, taskId), eq(credentials.side, side)));
    if (!row) return undefined;
    return this.open(sealedAs.credential(taskId, side), row, `The stored credentials of task ${taskId}`);
  }

  /**
   * Whether this key opens what the store holds sealed: a worker on a machine with another
   * TERN_SECRET_KEY would fail every task it takes, so it is refused at start instead. Tries a
   * few sealed rows of each kind; an empty store proves nothing and passes.
   */
  async checkKey(): Promise<{ checked: number; opened: number }> {
    const { credentials, signIns, oauthApps } = this.db.t;
    const [creds, signs, apps] = await Promise.all([
      this.db.orm.select().from(credentials).limit(KEY_SAMPLE),
      this.db.orm.select().from(signIns).orderBy(desc(signIns.updatedAt)).limit(KEY_SAMPLE),
      this.db.orm.select().from(oauthApps).orderBy(desc(oauthApps.updatedAt)).limit(KEY_SAMPLE),
    ]);
    const sealed: Array<[context: string, row: Sealed]> = [
      ...creds.map((r): [string, Sealed] => [sealedAs.credential(r.taskId, r.side), r]),
      ...signs.map((r): [string, Sealed] => [sealedAs.signIn(r.account), r]),
      ...apps.map((r): [string, Sealed] => [sealedAs.app(r.domain), r]),
    ];
    const opened = sealed.filter(([context, row]) => {
      try {
        this.open(context, row, 'a stored secret');
        return true;
      } catch {
        return false;
      }
    }).length;
    return { checked: sealed.length, opened };
  }

  async deleteTask(taskId: string): Promise<void> {
    const { credentials } = this.db.t;
    await this.db.orm.delete(credentials).where(eq(credentials.taskId, taskId));
  }
}
