import { randomBytes } from 'node:crypto';
import type { MigrateFormValues } from '../commands/migrate-form';
import type { TernService } from '../src/service/service';

/** How long a plan card's Start stays possible; then the form's values, passwords included, are gone. */
export const PLAN_TTL_MS = 15 * 60_000;

interface Pending {
  userId: string;
  channel: string;
  values: MigrateFormValues;
}

/**
 * The checked form behind a plan card (Slack or Discord), under a random ID the card's Start and
 * Cancel carry: the passwords never go back to the chat platform. Kept sealed in the queue's Redis
 * for PLAN_TTL_MS, so Start still works after the bot restarted.
 */
export class PendingPlans {
  constructor(
    private readonly service: TernService,
    private readonly surface: string,
  ) {}

  private kind = () => `plan:${this.surface}`;

  async add(userId: string, channel: string, values: MigrateFormValues): Promise<string> {
    const id = randomBytes(9).toString('base64url');
    await (await this.service.chatKeeps()).put<Pending>(this.kind(), id, { userId, channel, values }, Date.now() + PLAN_TTL_MS);
    return id;
  }

  /** Takes the plan's form out (Start or Cancel happen once); undefined when it expired, is unknown, or is someone else's. */
  async take(id: string, userId: string): Promise<{ channel: string; values: MigrateFormValues } | undefined> {
    const keeps = await this.service.chatKeeps();
    const p = await keeps.get<Pending>(this.kind(), id);
    if (!p || p.userId !== userId) return undefined;
    const taken = await keeps.take<Pending>(this.kind(), id);
    return taken && { channel: taken.channel, values: taken.values };
  }
}
