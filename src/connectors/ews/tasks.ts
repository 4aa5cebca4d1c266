import { DateTime, DefaultExtendedPropertySet, ExtendedPropertyDefinition, FolderId, ItemSchema, MapiPropertyType, StringList, Task, TaskSchema, TaskStatus } from 'ews-javascript-api';
import type { Item, PropertyDefinitionBase } from 'ews-javascript-api';
import type { TaskData } from '../../ports/pim-items';
import type { EwsContext } from './session';
import type { EwsFolder } from './types';
import { iso, prop, stringsOf } from './messages';
import { BASE_PROPERTIES, readBase, writeBase } from './item-base';
import { fromEwsRecurrence, toEwsRecurrence } from './recurrence';
import { dateOnly } from './contacts';
import { saveNew } from './save';
import { readAttachments, writeAttachments } from './attachments';
import { extendedValue } from './stamp';

/**
 * Tasks. Their start, due and complete dates are dates: EWS takes them in the request's time
 * zone context (the library sends the machine's zone), so a date is written as local midnight
 * and read back as the nearest midnight. The owner is read-only in EWS's schema: it is written
 * through its MAPI property (PidLidTaskOwner).
 */

const TASK_OWNER = new ExtendedPropertyDefinition(DefaultExtendedPropertySet.Task, 0x811f, MapiPropertyType.String);

export function taskProperties(): PropertyDefinitionBase[] {
  return [
    ...BASE_PROPERTIES,
    TaskSchema.StartDate,
    TaskSchema.DueDate,
    TaskSchema.CompleteDate,
    TaskSchema.Status,
    TaskSchema.PercentComplete,
    TaskSchema.Recurrence,
    ItemSchema.IsReminderSet,
    ItemSchema.ReminderDueBy,
    TaskSchema.Owner,
    TASK_OWNER,
    TaskSchema.TotalWork,
    TaskSchema.ActualWork,
    TaskSchema.Mileage,
    TaskSchema.BillingInformation,
    TaskSchema.Companies,
    ItemSchema.Attachments,
  ];
}

function taskDate(value: string): DateTime {
  if (value.length <= 10) {
    const [y, m, d] = value.split('-').map(Number);
    return new DateTime(y, m, d);
  }
  return new DateTime(Date.parse(value));
}

export async function readTask(ctx: EwsContext, item: Item, folder: EwsFolder, options: { attachments?: boolean } = {}): Promise<TaskData> {
  const status = prop<TaskStatus>(item, TaskSchema.Status);
  const data: TaskData = {
    kind: 'task',
    ...readBase(item, folder),
    status: (status !== undefined && TaskStatus[status] ? TaskStatus[status] : 'NotStarted') as TaskData['status'],
    percentComplete: prop<number>(item, TaskSchema.PercentComplete) ?? 0,
    reminderSet: prop<boolean>(item, ItemSchema.IsReminderSet) ?? false,
    companies: stringsOf(prop<StringList>(item, TaskSchema.Companies)),
  };
  const startDate = dateOnly(prop<DateTime>(item, TaskSchema.StartDate));
  if (startDate) data.startDate = startDate;
  const dueDate = dateOnly(prop<DateTime>(item, TaskSchema.DueDate));
  if (dueDate) data.dueDate = dueDate;
  const completeDate = dateOnly(prop<DateTime>(item, TaskSchema.CompleteDate));
  if (completeDate) data.completeDate = completeDate;
  const recurrence = fromEwsRecurrence(prop(item, TaskSchema.Recurrence));
  if (recurrence) data.recurrence = recurrence;
  const reminderDueBy = data.reminderSet ? iso(prop<DateTime>(item, ItemSchema.ReminderDueBy)) : undefined;
  if (reminderDueBy) data.reminderDueBy = reminderDueBy;
  // Owner is PidLidTaskOwner on Exchange; asked for both ways in case a server serves only one.
  const owner = extendedValue(item.ExtendedProperties, TASK_OWNER) ?? prop<string>(item, TaskSchema.Owner);
  if (owner) data.owner = owner;
  const total = prop<number>(item, TaskSchema.TotalWork);
  if (typeof total === 'number') data.totalWorkMinutes = total;
  const actual = prop<number>(item, TaskSchema.ActualWork);
  if (typeof actual === 'number') data.actualWorkMinutes = actual;
  const mileage = prop<string>(item, TaskSchema.Mileage);
  if (mileage) data.mileage = mileage;
  const billing = prop<string>(item, TaskSchema.BillingInformation);
  if (billing) data.billingInformation = billing;
  const attachments = options.attachments === false ? undefined : await readAttachments(ctx, item);
  if (attachments) data.attachments = attachments;
  return data;
}

export async function createTask(ctx: EwsContext, folderId: string, data: TaskData, stamp: string): Promise<string> {
  const task = new Task(ctx.service);
  writeBase(task, data, stamp);
  if (data.startDate) task.StartDate = taskDate(data.startDate);
  if (data.dueDate) task.DueDate = taskDate(data.dueDate);
  if (data.recurrence) task.Recurrence = toEwsRecurrence(data.recurrence);
  task.Status = TaskStatus[data.status];
  task.PercentComplete = data.percentComplete;
  // Exchange sets CompleteDate itself when a task becomes Completed; the source's date wins.
  if (data.completeDate) task.CompleteDate = taskDate(data.completeDate);
  task.IsReminderSet = data.reminderSet;
  if (data.reminderSet && data.reminderDueBy) task.ReminderDueBy = new DateTime(Date.parse(data.reminderDueBy));
  if (data.owner) task.SetExtendedProperty(TASK_OWNER, data.owner);
  if (data.totalWorkMinutes !== undefined) task.TotalWork = data.totalWorkMinutes;
  if (data.actualWorkMinutes !== undefined) task.ActualWork = data.actualWorkMinutes;
  if (data.mileage) task.Mileage = data.mileage;
  if (data.billingInformation) task.BillingInformation = data.billingInformation;
  if (data.companies.length) task.Companies = new StringList(data.companies);
  writeAttachments(task, data.attachments);
  return saveNew(ctx, task, 'saving a task', () => task.Save(new FolderId(folderId)));
}
