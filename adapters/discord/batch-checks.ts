import { randomBytes } from 'node:crypto';
import { DRAFT_TTL_MS } from './drafts';

/** A checked CSV waiting for its Start (the file holds password references only, never passwords). */
export interface BatchCheck {
  id: string;
  userId: string;
  channelId: string;
  name: string;
  csv: string;
  expires: number;
}

/**
 * CSVs checked by /migrate batch, kept server-side for Start under a short random ID (as the
 * form's drafts): Discord's attachment links expire, and Start must queue exactly what was checked.
 */
export class BatchChecks {
  private readonly checks = new Map<string, BatchCheck>();

  create(userId: string, channelId: string, name: string, csv: string): BatchCheck {
    this.sweep();
    const check = { id: randomBytes(6).toString('base64url'), userId, channelId, name, csv, expires: Date.now() + DRAFT_TTL_MS };
    this.checks.set(check.id, check);
    return check;
  }

  /** The user's check, or undefined when it expired or belongs to someone else. */
  get(id: string, userId: string): BatchCheck | undefined {
    this.sweep();
    const c = this.checks.get(id);
    return c && c.userId === userId ? c : undefined;
  }

  drop(id: string): void {
    this.checks.delete(id);
  }

  private sweep(now = Date.now()): void {
    for (const [id, c] of this.checks) if (c.expires < now) this.checks.delete(id);
  }
}
