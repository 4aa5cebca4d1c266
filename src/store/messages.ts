import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './db';
import { taskMessages } from './schema';

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

  save(ref: Omit<MessageRef, 'announced' | 'finalPosted'>): void {
    const row = { taskId: ref.taskId, surface: ref.surface, channel: ref.channel, messageId: ref.messageId, threadId: ref.threadId ?? null };
    this.db.insert(taskMessages).values(row).onConflictDoUpdate({ target: [taskMessages.taskId, taskMessages.surface], set: row }).run();
  }

  get(taskId: string, surface: string): MessageRef | undefined {
    const row = this.db.select().from(taskMessages).where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.surface, surface))).get();
    return row && toRef(row);
  }

  /** Cards whose final report has not been posted yet: the ones a restarted bot must keep up to date. */
  open(surface: string): MessageRef[] {
    return this.db
      .select()
      .from(taskMessages)
      .where(and(eq(taskMessages.surface, surface), isNull(taskMessages.finalPostedAt)))
      .all()
      .map(toRef);
  }

  setAnnounced(taskId: string, surface: string, announced: Record<string, string>): void {
    this.db.update(taskMessages).set({ announced: JSON.stringify(announced) }).where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.surface, surface))).run();
  }

  /** A task runs again (a retry): its cards on every surface are kept up to date again, and its thread hears the new pass. */
  reopen(taskId: string): void {
    this.db.update(taskMessages).set({ announced: null, finalPostedAt: null }).where(eq(taskMessages.taskId, taskId)).run();
  }

  setFinalPosted(taskId: string, surface: string, posted: boolean, now = Date.now()): void {
    this.db
      .update(taskMessages)
      .set({ finalPostedAt: posted ? now : null })
      .where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.surface, surface)))
      .run();
  }
}

function toRef(row: typeof taskMessages.$inferSelect): MessageRef {
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
