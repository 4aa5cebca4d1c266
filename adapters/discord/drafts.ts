import { randomBytes } from 'node:crypto';
import type { MigrateFormValues } from '../../commands/migrate-form';

/** How long a form may stay half-filled; then its draft, passwords included, is wiped. */
export const DRAFT_TTL_MS = 15 * 60_000;

export interface Draft {
  id: string;
  userId: string;
  channelId: string;
  values: MigrateFormValues;
  /** For a PST import: the file (stored upload or https link) that takes the source's place. */
  pst?: { url: string; fileName: string; attachment: boolean };
  /** Steps filled at least once: "source", "destination", "items". */
  done: Set<string>;
  expires: number;
}

/**
 * Discord modals hold five inputs, so the form is filled in steps; the values wait here,
 * server-side, under a short random form ID carried in the components' custom IDs.
 */
export class Drafts {
  private readonly drafts = new Map<string, Draft>();

  create(userId: string, channelId: string, pst?: Draft['pst']): Draft {
    this.sweep();
    const draft: Draft = { id: randomBytes(6).toString('base64url'), userId, channelId, values: { source: {}, destination: {}, items: ['emails'] }, pst, done: new Set(pst ? ['source'] : []), expires: Date.now() + DRAFT_TTL_MS };
    this.drafts.set(draft.id, draft);
    return draft;
  }

  /** The user's draft, or undefined when it expired or belongs to someone else. */
  get(id: string, userId: string): Draft | undefined {
    this.sweep();
    const d = this.drafts.get(id);
    if (!d || d.userId !== userId) return undefined;
    d.expires = Date.now() + DRAFT_TTL_MS;
    return d;
  }

  drop(id: string): void {
    const d = this.drafts.get(id);
    if (d) wipe(d);
    this.drafts.delete(id);
  }

  private sweep(now = Date.now()): void {
    for (const [id, d] of this.drafts) if (d.expires < now) this.drop(id);
  }
}

function wipe(d: Draft): void {
  d.values.source.password = undefined;
  d.values.destination.password = undefined;
}
