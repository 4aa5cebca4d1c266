import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tables } from './db';

export interface MessageRef {
  taskId: string;
  surface: string;
  channel: string;
  messageId: string;
  threadId?: string;
  announced: Record<string, string>;
  finalPosted: boolean;
}

/** Status-card references per task and chat surface. */
export class MessageRefs {
  constructor(private readonly db: Db) {}

  async save(ref: Omit<MessageRef, 'announced' | 'finalPosted'>): Promise<void> {
    const { taskMessages } = this.db.t;
    const row = { taskId: ref.taskId, surface: ref.surface, channel: ref.channel, messageId: ref.messageId, threadId: ref.threadId ?? null };
    await this.db.orm.insert(taskMessages).values(row).onConflictDoUpdate({ target: [taskMessages.taskId, taskMessages.surface], set: row });
  }

  async get(taskId: string, surface: string): Promise<MessageRef | undefined> {
    const { taskMessages } = this.db.t;
    const [row] = await this.db.orm.select().from(taskMessages).where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.surface, surface)));
    return row && toRef(row);
  }

  /** Cards whose final report has not been posted yet: the ones a restarted bot must keep up to date. */
  async open(surface: string): Promise<MessageRef[]> {
    const { taskMessages } = this.db.t;
    const rows = await this.db.orm
      .select()
      .from(taskMessages)
      .where(and(eq(taskMessages.surface, surface), isNull(taskMessages.finalPostedAt)));
    return rows.map(toRef);
  }

  async setAnnounced(taskId: string, surface: string, announced: Record<string, string>): Promise<void> {
    const { taskMessages } = this.db.t;
    await this.db.orm.update(taskMessages).set({ announced: JSON.stringify(announced) }).where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.surface, surface)));
  }

  /** A task runs again (a retry): its cards on every surface are kept up to date again, and its thread hears the new pass. */
  async reopen(taskId: string): Promise<void> {
    const { taskMessages } = this.db.t;
    await this.db.orm.update(taskMessages).set({ announced: null, finalPostedAt: null }).where(eq(taskMessages.taskId, taskId));
  }

  async setFinalPosted(taskId: string, surface: string, posted: boolean, now = Date.now()): Promise<void> {
    const { taskMessages } = this.db.t;
    await this.db.orm
      .update(taskMessages)
      .set({ finalPostedAt: posted ? now : null })
      .where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.surface, surface)));
  }
}

function toRef(row: Tables['taskMessages']['$inferSelect']): MessageRef {
  return {
    taskId: row.taskId,
    surface: row.surface,
    channel: row.channel,
    messageId: row.messageId,
    threadId: row.threadId ?? undefined,
    announced: row.announced ? (JSON.parse(row.announced) as Record<string, string>) : {},
    finalPosted: row.finalPostedAt != null,
  };
}
