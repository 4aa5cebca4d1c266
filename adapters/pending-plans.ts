import { randomBytes } from 'node:crypto';
import type { MigrateFormValues } from '../commands/migrate-form';

/** How long a plan card's Start stays possible; then the form's values, passwords included, are wiped. */
export const PLAN_TTL_MS = 15 * 60_000;

interface Pending {
  userId: string;
  channel: string;
  values: MigrateFormValues;
  expires: number;
}

/**
 * The checked form behind a plan card (Slack or Discord), kept in this process only, under a
 * random ID the card's Start and Cancel carry: the passwords never go back to the chat platform.
 */
export class PendingPlans {
  private readonly plans = new Map<string, Pending>();

  add(userId: string, channel: string, values: MigrateFormValues): string {
    this.sweep();
    const id = randomBytes(9).toString('base64url');
    this.plans.set(id, { userId, channel, values, expires: Date.now() + PLAN_TTL_MS });
    return id;
  }

  /** Takes the plan's form out (Start or Cancel happen once); undefined when it expired, is unknown, or is someone else's. */
  take(id: string, userId: string): { channel: string; values: MigrateFormValues } | undefined {
    this.sweep();
    const p = this.plans.get(id);
    if (!p || p.userId !== userId) return undefined;
    this.plans.delete(id);
    return { channel: p.channel, values: p.values };
  }

  private sweep(now = Date.now()): void {
    for (const [id, p] of this.plans) {
      if (p.expires >= now) continue;
      p.values.source.password = undefined;
      p.values.destination.password = undefined;
      this.plans.delete(id);
    }
  }
}
