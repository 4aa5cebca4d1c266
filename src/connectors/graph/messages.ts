import { dedupeKey } from '../../ports/dedupe-key';
import { MAILBOX_FULL_CODES, type OutgoingMessage, type WriteOutcome } from '../../ports/mail';
import { graphCode, graphMessage, type BatchAnswer, type BatchRequest, type GraphHttp } from './http';
import { enc } from './folders';

/** Tern's write mark: a named string property in PS_PUBLIC_STRINGS, invisible to users, read back by scans. */
export const MARK_PROPERTY = 'String {00020329-0000-0000-C000-000000000046} Name TernWriteMark';
/** PR_MESSAGE_SIZE, PR_MESSAGE_FLAGS (read 0x1, unsent 0x8: a draft), PR_MESSAGE_DELIVERY_TIME. */
export const SIZE_PROPERTY = 'Integer 0x0E08';
export const FLAGS_PROPERTY = 'Integer 0x0E07';
export const RECEIVED_PROPERTY = 'SystemTime 0x0E06';

/** Exchange Online refuses a message above 150 MB. */
export const MAX_MESSAGE_BYTES = 150 * 1024 * 1024;
/** A Graph request takes at most 4 MB; MIME travels in base64 (4/3 of its size) beside the batch's JSON. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024 - 64 * 1024;

/** IMAP keywords that are client bookkeeping, not a user's labels: never made into categories. */
const NOT_CATEGORIES = new Set(['junk', 'nonjunk', 'notjunk']);

export interface GraphMessageSummary {
  id: string;
  size: number;
  isRead: boolean;
  flagged: boolean;
  categories: string[];
  internetMessageId?: string;
  receivedAt?: string;
  mark?: string;
}

export interface ListedMessage {
  id: string;
  internetMessageId?: string | null;
  isRead?: boolean;
  flag?: { flagStatus?: string };
  categories?: string[];
  receivedDateTime?: string;
  singleValueExtendedProperties?: Array<{ id: string; value: string }>;
}

/** Extended property ids compared as Graph answers them ("Integer 0xe08" for "Integer 0x0E08"). */
export function sameProperty(a: string, b: string): boolean {
  const norm = (id: string) => id.trim().replace(/\s+/g, ' ').toLowerCase().replace(/ 0x0*([0-9a-f]+)$/, ' 0x$1');
  return norm(a) === norm(b);
}

const propertyOf = (m: ListedMessage, id: string) => m.singleValueExtendedProperties?.find((p) => sameProperty(p.id, id))?.value;

/** What a scan asks of each message ($select, $expand): no bodies. */
export const SCAN_FIELDS = {
  $select: 'id,internetMessageId,isRead,flag,categories,receivedDateTime',
  $expand: `singleValueExtendedProperties($filter=id eq '${SIZE_PROPERTY}' or id eq '${MARK_PROPERTY}')`,
};

export function summaryOf(m: ListedMessage): GraphMessageSummary {
  return {
    id: m.id,
    size: Number(propertyOf(m, SIZE_PROPERTY) ?? 0),
    isRead: m.isRead === true,
    flagged: m.flag?.flagStatus === 'flagged',
    categories: m.categories ?? [],
    internetMessageId: m.internetMessageId ?? undefined,
    receivedAt: m.receivedDateTime,
    mark: propertyOf(m, MARK_PROPERTY),
  };
}

/** Every message of a folder, paged, with the properties a scan needs and no bodies. */
export async function scanMessages(http: GraphHttp, folderId: string): Promise<GraphMessageSummary[]> {
  const query = new URLSearchParams({ ...SCAN_FIELDS, $top: '250' });
  const listed = await http.all<ListedMessage>(`${http.userPath}/mailFolders/${enc(folderId)}/messages?${query}`);
  return listed.map(summaryOf);
}

/** The MIME source of a message by $value, or undefined when it is gone. */
export async function fetchMime(http: GraphHttp, id: string): Promise<Buffer | undefined> {
  const res = await http.call('GET', `${http.userPath}/messages/${enc(id)}/$value`, { raw: true, accept: [404] });
  return res.status === 404 ? undefined : res.raw;
}

/** Dedupe keys as every connector computes them: the Message-ID, or the stable headers of the MIME for the few without one. */
export async function dedupeKeysOf(http: GraphHttp, messages: GraphMessageSummary[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const m of messages) {
    if (m.internetMessageId) keys.set(m.id, dedupeKey(`Message-ID: ${m.internetMessageId}\r\n\r\n`));
    else {
      const mime = await fetchMime(http, m.id);
      keys.set(m.id, mime ? dedupeKey(mime) : `gone:${m.id}`);
    }
  }
  return keys;
}

/** Hard-deletes messages (permanentDelete, in $batch): what is already gone is not an error. */
export async function deleteMessages(http: GraphHttp, ids: string[]): Promise<void> {
  const answers = await http.batch(ids.map((id) => ({ method: 'POST', url: `${http.userPath}/messages/${enc(id)}/permanentDelete` })));
  answers.forEach((a, i) => {
    if (a.status >= 300 && a.status !== 404) throw http.refusal(a, 'POST', `${http.userPath}/messages/${ids[i]}/permanentDelete`);
  });
}

/**
 * Writes messages into a folder, byte for byte: each is created from its MIME (Graph saves it as a
 * draft), then one PATCH sets PR_MESSAGE_FLAGS (clearing the draft state), the delivery time,
 * read state, flag, categories and Tern's write mark. Both go in $batch, 20 at a time and within
 * Graph's 4 MB request limit; a larger message goes alone by `writeLarge` (large-message.ts). A
 * message Graph refuses is answered { refused }; a draft whose PATCH failed is deleted again.
 */
export async function writeMessages(
  http: GraphHttp,
  folderId: string,
  messages: OutgoingMessage[],
  answered: (index: number, outcome: WriteOutcome) => void,
  writeLarge: (collection: string, m: OutgoingMessage) => Promise<WriteOutcome>,
): Promise<void> {
  const groups: number[][] = [];
  const large: number[] = [];
  let group: number[] = [];
  let bytes = 0;
  messages.forEach((m, i) => {
    const encoded = Math.ceil(m.raw.length / 3) * 4;
    if (m.raw.length > MAX_MESSAGE_BYTES) return answered(i, { refused: `the message is ${mb(m.raw.length)}: Microsoft 365 takes messages up to 150 MB`, code: 'MessageTooLarge' });
    // Above 4 MB in base64: its large files go by upload session, one message at a time.
    if (encoded > MAX_REQUEST_BYTES) return void large.push(i);
    if (group.length === 20 || bytes + encoded > MAX_REQUEST_BYTES) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(i);
    bytes += encoded;
  });
  if (group.length > 0) groups.push(group);
  const collection = `${http.userPath}/mailFolders/${enc(folderId)}/messages`;
  for (const g of groups) {
    const created = await http.batch(g.map((i) => ({ method: 'POST', url: collection, headers: { 'Content-Type': 'text/plain' }, body: messages[i].raw.toString('base64') })));
    const ok: Array<{ index: number; id: string }> = [];
    created.forEach((a, k) => {
      const id = a.body?.id;
      if (a.status === 201 && typeof id === 'string') ok.push({ index: g[k], id });
      else answered(g[k], refusedBy(a));
    });
    const patched = await http.batch(ok.map(({ index, id }) => patchOf(http, id, messages[index])));
    const failed: string[] = [];
    patched.forEach((a, k) => {
      if (a.status === 200) return answered(ok[k].index, { id: ok[k].id });
      failed.push(ok[k].id);
      answered(ok[k].index, refusedBy(a));
    });
    if (failed.length > 0) await deleteMessages(http, failed);
  }
  for (const i of large) answered(i, await writeLarge(collection, messages[i]));
}

/** Graph's refusal of one message; its code is kept where the engine acts on it (a full mailbox stops the copy). */
export function refusedBy(a: BatchAnswer): WriteOutcome {
  const code = graphCode(a);
  return code && MAILBOX_FULL_CODES.has(code) ? { refused: graphMessage(a), code } : { refused: `${graphMessage(a)}${code ? ` (${code})` : ''}` };
}

export function patchOf(http: GraphHttp, id: string, m: OutgoingMessage): BatchRequest {
  const isRead = m.flags.includes('\\Seen');
  const keywords = m.flags.filter((f) => !f.startsWith('\\') && !f.startsWith('$') && !NOT_CATEGORIES.has(f.toLowerCase()));
  const properties = [
    { id: FLAGS_PROPERTY, value: isRead ? '1' : '0' },
    { id: MARK_PROPERTY, value: m.mark },
    ...(m.internalDate ? [{ id: RECEIVED_PROPERTY, value: m.internalDate.toISOString() }] : []),
  ];
  return {
    method: 'PATCH',
    url: `${http.userPath}/messages/${enc(id)}`,
    headers: { 'Content-Type': 'application/json' },
    body: { isRead, flag: { flagStatus: m.flags.includes('\\Flagged') ? 'flagged' : 'notFlagged' }, categories: m.categories ?? keywords, singleValueExtendedProperties: properties },
  };
}

export const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
