import type { PSTFolder } from 'pst-extractor';

/**
 * Which PST folders hold mail and what they are. Outlook's default folders carry no flag in a
 * PST, only their (localised) names; these are the names of the ones that map to special-use
 * folders at the destination.
 */
const SPECIAL_NAMES: Record<string, string> = {
  inbox: '\\Inbox',
  'boîte de réception': '\\Inbox',
  posteingang: '\\Inbox',
  'sent items': '\\Sent',
  'éléments envoyés': '\\Sent',
  'gesendete elemente': '\\Sent',
  drafts: '\\Drafts',
  brouillons: '\\Drafts',
  entwürfe: '\\Drafts',
  'deleted items': '\\Trash',
  'éléments supprimés': '\\Trash',
  'gelöschte elemente': '\\Trash',
  'junk e-mail': '\\Junk',
  'junk email': '\\Junk',
  'courrier indésirable': '\\Junk',
  'junk-e-mail': '\\Junk',
};

/** Folders of these classes hold other item kinds (contacts, calendar, tasks, notes, journal). */
const NON_MAIL_CLASSES = /^IPF\.(Appointment|Contact|Task|StickyNote|Journal|Note\.OutlookHomepage)/i;
/** Message classes that are not e-mail: they go through their own item kinds, or nowhere. */
const NON_MAIL_MESSAGES = /^IPM\.(Contact|DistList|Appointment|Task|StickyNote|Activity|Microsoft\.ScheduleData)/i;

export function specialUseOf(name: string): string | undefined {
  return SPECIAL_NAMES[name.trim().toLowerCase()];
}

export function isMailFolder(folder: PSTFolder): boolean {
  return !NON_MAIL_CLASSES.test(folder.containerClass || '');
}

export function isMailMessageClass(messageClass: string): boolean {
  return !NON_MAIL_MESSAGES.test(messageClass || 'IPM.Note');
}

/** The kind of non-mail item a message class is, for the neutral item readers. */
export function itemKindOf(messageClass: string): 'contact' | 'distList' | 'appointment' | 'task' | undefined {
  const c = (messageClass || '').toLowerCase();
  if (c.startsWith('ipm.contact')) return 'contact';
  if (c.startsWith('ipm.distlist')) return 'distList';
  if (c.startsWith('ipm.appointment')) return 'appointment';
  if (c.startsWith('ipm.task')) return 'task';
  return undefined;
}
