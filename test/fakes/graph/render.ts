// How the fake serves its stored items as Graph JSON: messages from their MIME headers and the
// properties a client set, folders with their counts, extended properties named as Graph names
// them ("Integer 0xe08": hex without leading zeros).
import { parseHeaderFields } from '../../../src/ports/dedupe-key';
import { MSGFLAG_READ, MSGFLAG_UNSENT, PROP_RECEIVED, PROP_SENT, PROP_SIZE, type FakeGraphFolder, type FakeGraphMailbox, type FakeGraphMessage } from './store';

/** An extended property id as a lower-cased key: "Integer 0x0E07" and "integer 0xe07" are the same property. */
export function extendedKey(id: string): string {
  const tagged = /^(\w+)\s+0x([0-9a-f]+)$/i.exec(id.trim());
  if (tagged) return `${tagged[1].toLowerCase()} 0x${parseInt(tagged[2], 16).toString(16).padStart(4, '0')}`;
  return id.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** As Graph spells a property id in its answers. */
function extendedIdOut(key: string, asked: string): string {
  const tagged = /^(\w+) 0x([0-9a-f]+)$/.exec(key);
  if (!tagged) return asked;
  const type = asked.trim().split(/\s+/)[0];
  return `${type} 0x${parseInt(tagged[2], 16).toString(16)}`;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

function address(value: string | undefined): { emailAddress: { name: string; address: string } } | undefined {
  if (!value) return undefined;
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>/.exec(value);
  return { emailAddress: m ? { name: m[1].trim(), address: m[2].trim() } : { name: value.trim(), address: value.trim() } };
}

export function messageSize(m: FakeGraphMessage): number {
  return m.mime.length;
}

/** The extended property's value, computed ones included (PR_MESSAGE_SIZE). */
export function extendedValue(m: FakeGraphMessage, key: string): string | undefined {
  if (key === PROP_SIZE) return String(messageSize(m));
  return m.extended.get(key);
}

export function renderMessage(box: FakeGraphMailbox, m: FakeGraphMessage, expandIds?: string[]): Record<string, unknown> {
  const h = parseHeaderFields(m.mime);
  const flags = box.flagsOf(m);
  const dateHeader = h.get('date') ? new Date(h.get('date')!) : undefined;
  const sent = m.extended.get(PROP_SENT) ?? (dateHeader && !Number.isNaN(dateHeader.getTime()) ? iso(dateHeader) : undefined);
  const received = m.extended.get(PROP_RECEIVED) ?? m.createdDateTime;
  const out: Record<string, unknown> = {
    '@odata.etag': `W/"${m.seq}"`,
    id: m.id,
    createdDateTime: m.createdDateTime,
    lastModifiedDateTime: m.lastModifiedDateTime,
    changeKey: String(m.seq),
    categories: m.categories,
    receivedDateTime: iso(new Date(received)),
    sentDateTime: sent ? iso(new Date(sent)) : null,
    hasAttachments: m.attachments.length > 0 || /^content-type:\s*multipart\/mixed/im.test(m.mime.subarray(0, 8192).toString('latin1')),
    internetMessageId: h.get('message-id') ?? null,
    subject: h.get('subject') ?? '',
    importance: 'normal',
    parentFolderId: m.folderId,
    conversationId: 'AAQkAG' + m.id.slice(6, 20),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: (flags & MSGFLAG_READ) !== 0,
    isDraft: (flags & MSGFLAG_UNSENT) !== 0,
    from: address(h.get('from')) ?? null,
    flag: { flagStatus: m.flagStatus },
  };
  if (expandIds) {
    out.singleValueExtendedProperties = expandIds.flatMap((asked) => {
      const key = extendedKey(asked);
      const value = extendedValue(m, key);
      return value === undefined ? [] : [{ id: extendedIdOut(key, asked), value }];
    });
  }
  return out;
}

/**
 * Properties of the message store that Exchange also serves on the mailbox's root folder
 * (msgfolderroot): PidTagMessageSizeExtended 0x0E08 (the messages' sizes added up) and, when the
 * test set one, PidTagProhibitReceiveQuota 0x666A (KB). Matched by tag, whatever type was asked.
 */
function folderExtendedValue(box: FakeGraphMailbox, f: FakeGraphFolder, key: string): string | undefined {
  if (f.wellKnownName !== 'msgfolderroot') return undefined;
  const tag = / 0x([0-9a-f]+)$/.exec(key)?.[1];
  if (tag === '0e08') return String([...box.messages.values()].reduce((n, m) => n + messageSize(m), 0));
  if (tag === '666a' && box.quotaKb !== undefined) return String(box.quotaKb);
  return undefined;
}

export function renderFolder(box: FakeGraphMailbox, f: FakeGraphFolder, expandIds?: string[]): Record<string, unknown> {
  const messages = box.messagesIn(f.id);
  const out: Record<string, unknown> = {
    id: f.id,
    displayName: f.displayName,
    parentFolderId: f.parentFolderId,
    childFolderCount: box.children(f.id).length,
    unreadItemCount: messages.filter((m) => (box.flagsOf(m) & MSGFLAG_READ) === 0).length,
    totalItemCount: messages.length,
    isHidden: false,
  };
  if (expandIds) {
    out.singleValueExtendedProperties = expandIds.flatMap((asked) => {
      const key = extendedKey(asked);
      const value = folderExtendedValue(box, f, key);
      return value === undefined ? [] : [{ id: extendedIdOut(key, asked), value }];
    });
  }
  return out;
}

/** Keeps only the $select'ed properties (and id and annotations, as Graph does). */
export function select(entity: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) return entity;
  return Object.fromEntries(Object.entries(entity).filter(([k]) => k === 'id' || k.startsWith('@') || fields.includes(k) || k === 'singleValueExtendedProperties'));
}
