import type { TaskData } from '../../ports/pim-items';
import { fromGraphRecurrence, toGraphRecurrence, type GraphRecurrence } from './recurrence';
import { fromGraphTime, type GraphDateTime } from './times';

/**
 * Tasks between the neutral shape (Exchange/Outlook tasks) and Microsoft To Do's todoTask. To Do
 * tasks have no extended properties: Tern's stamp rides in a linked resource (the link a task
 * keeps to the application it came from). What To Do has no field for (percent complete, owner,
 * work, mileage, billing, companies, sensitivity, regenerating recurrence) is not carried.
 */
export const STAMP_APPLICATION = 'Tern';

const STATUS: Record<TaskData['status'], string> = { NotStarted: 'notStarted', InProgress: 'inProgress', Completed: 'completed', WaitingOnOthers: 'waitingOnOthers', Deferred: 'deferred' };

export interface GraphTask {
  id?: string;
  title?: string | null;
  body?: { contentType?: string; content?: string | null } | null;
  categories?: string[];
  importance?: string;
  status?: string;
  startDateTime?: GraphDateTime | null;
  dueDateTime?: GraphDateTime | null;
  completedDateTime?: GraphDateTime | null;
  isReminderOn?: boolean;
  reminderDateTime?: GraphDateTime | null;
  recurrence?: GraphRecurrence | null;
  linkedResources?: Array<{ applicationName?: string | null; externalId?: string | null; displayName?: string | null; webUrl?: string | null }>;
}

const day = (d: string): GraphDateTime => ({ dateTime: `${d.slice(0, 10)}T00:00:00`, timeZone: 'UTC' });

/** The fields of a task To Do cannot hold, by name, when they say something. */
export function todoCannotHold(t: TaskData): string[] {
  const lost: string[] = [];
  if (t.percentComplete > 0 && t.percentComplete < 100) lost.push('percentComplete');
  if (t.owner) lost.push('owner');
  if (t.totalWorkMinutes || t.actualWorkMinutes) lost.push('work');
  if (t.mileage) lost.push('mileage');
  if (t.billingInformation) lost.push('billingInformation');
  if (t.companies.length) lost.push('companies');
  if (t.recurrence?.pattern.type === 'regenerating') lost.push('recurrence (regenerating)');
  return lost;
}

export function toGraphTask(t: TaskData, stamp: string): GraphTask {
  const out: GraphTask = { title: t.subject ?? '', categories: t.categories, status: STATUS[t.status], isReminderOn: t.reminderSet };
  if (t.body) out.body = { contentType: t.body.type, content: t.body.content };
  if (t.importance) out.importance = t.importance.toLowerCase();
  if (t.startDate) out.startDateTime = day(t.startDate);
  if (t.dueDate) out.dueDateTime = day(t.dueDate);
  if (t.completeDate) out.completedDateTime = day(t.completeDate);
  if (t.reminderSet && t.reminderDueBy) out.reminderDateTime = { dateTime: new Date(t.reminderDueBy).toISOString().slice(0, 19), timeZone: 'UTC' };
  const recurrence = t.recurrence && toGraphRecurrence(t.recurrence);
  if (recurrence) out.recurrence = recurrence;
  out.linkedResources = [{ applicationName: STAMP_APPLICATION, externalId: stamp, displayName: 'Copied by Tern' }];
  return out;
}

export function fromGraphTask(g: GraphTask, folder: string): TaskData & { stamp?: string } {
  const status = (Object.entries(STATUS).find(([, v]) => v === g.status)?.[0] ?? 'NotStarted') as TaskData['status'];
  const t: TaskData & { stamp?: string } = { kind: 'task', sourceId: String(g.id), folder, subject: g.title ?? undefined, categories: g.categories ?? [], status, percentComplete: status === 'Completed' ? 100 : 0, reminderSet: g.isReminderOn === true, companies: [] };
  if (g.body?.content) t.body = { type: g.body.contentType === 'html' ? 'html' : 'text', content: g.body.content };
  if (g.importance) t.importance = (g.importance.charAt(0).toUpperCase() + g.importance.slice(1)) as TaskData['importance'];
  if (g.startDateTime?.dateTime) t.startDate = g.startDateTime.dateTime.slice(0, 10);
  if (g.dueDateTime?.dateTime) t.dueDate = g.dueDateTime.dateTime.slice(0, 10);
  if (g.completedDateTime?.dateTime) t.completeDate = g.completedDateTime.dateTime.slice(0, 10);
  if (t.reminderSet && g.reminderDateTime) t.reminderDueBy = fromGraphTime(g.reminderDateTime);
  const recurrence = fromGraphRecurrence(g.recurrence);
  if (recurrence) t.recurrence = recurrence;
  const stamp = g.linkedResources?.find((r) => r.applicationName === STAMP_APPLICATION)?.externalId;
  if (stamp) t.stamp = stamp;
  return t;
}
