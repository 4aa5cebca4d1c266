/**
 * Damage in a PST, said the way a user knows the file: which part (the folder list, a message by
 * its subject and folder, its attachments, the contact list) and what to do about it. The
 * library's own text (node IDs, "descriptor", "BTree", class names) is kept apart as `detail`:
 * it becomes the cause of the error the user sees, never part of its message.
 */
export class PstDamage extends Error {
  constructor(
    /** The damaged part, in the user's words: "the folder list", "the attachments of the message “Hi” in “Inbox”". */
    readonly part: string,
    /** What the library said, for the log. */
    readonly detail: string,
  ) {
    super(`${part} cannot be read (${detail})`);
    this.name = 'PstDamage';
  }
}

/** Wraps a library error as damage to `part`; damage already named (a deeper, more precise part) is kept. */
export function damaged(part: string, err: unknown): PstDamage {
  return err instanceof PstDamage ? err : new PstDamage(part, technical(err));
}

/** Runs `read`, naming `part` as what is damaged when it throws. */
export function reading<T>(part: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw damaged(part, err);
  }
}

/** The library's text of an error, one line, bounded: for logs and causes, never for users. */
export function technical(err: unknown): string {
  const text = err instanceof PstDamage ? err.detail : err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

export const REPAIR = "Repair it with Outlook's Inbox Repair Tool (scanpst.exe), then import the repaired file.";

export const quoted = (text: string) => `“${text}”`;

/** "the message “Hi” in “Inbox”", "the contact “Ann Lee” in “Contacts”"; an item without a subject is named by its folder only. */
export function itemPart(subject: string | undefined, folder: string, item = 'message'): string {
  const s = shorten(subject);
  return s ? `the ${item} ${quoted(s)} in ${quoted(folder)}` : `a ${item} without a subject in ${quoted(folder)}`;
}

const shorten = (text: string | undefined) => {
  const s = (text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

/** What a folder holds, by its container class, in the user's words: its list and one of its items. */
export function folderWords(containerClass: string | undefined): { list: string; item: string } {
  const c = (containerClass || '').toLowerCase();
  if (c.startsWith('ipf.contact')) return { list: 'the contact list', item: 'contact' };
  if (c.startsWith('ipf.appointment')) return { list: 'the calendar', item: 'event' };
  if (c.startsWith('ipf.task')) return { list: 'the task list', item: 'task' };
  return { list: 'the list of messages', item: 'message' };
}

/**
 * A folder's unreadable items as one part: "the message “a” in “Inbox”", "the messages “a”, “b”
 * and 3 others in “Inbox”", "2 messages in “Inbox”" when their subjects are unknown too.
 */
export function unreadableItems(subjects: Array<string | undefined>, noun: string, folder: string): string {
  const named = subjects.map(shorten).filter(Boolean);
  const count = subjects.length;
  const where = `in ${quoted(folder)}`;
  if (count === 1) return named.length ? `the ${noun} ${quoted(named[0])} ${where}` : `1 ${noun} ${where}`;
  if (!named.length) return `${count} ${noun}s ${where}`;
  const shown = named.slice(0, 3).map(quoted);
  const others = count - shown.length;
  const list = others ? `${shown.join(', ')} and ${others} other${others > 1 ? 's' : ''}` : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  return `the ${noun}s ${list} ${where}`;
}
