import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { PSTAttachment, PSTMessage } from 'pst-extractor';
import { bodySourcesOf, chooseBody } from './body';
import { quoted, reading } from './damage';
import { embeddedMessageOf, isEmbedded } from './props';
import { attachmentCount, recipientsOf } from './tables';

/**
 * Rebuilds one PST message as an RFC 5322 message with nodemailer's MailComposer. Received mail
 * keeps its original transport headers (Received, DKIM, List-*, …); mail that never travelled
 * (sent items, drafts) gets its headers from the MAPI properties. The body is rebuilt either way:
 * the body body.ts chooses (HTML, HTML de-encapsulated from RTF, plain; other RTF as text/rtf),
 * every attachment with its name and type, inline images with their Content-ID, and embedded
 * messages as message/rfc822. A part that cannot be read fails the message as PstDamage naming
 * that part in the user's words (`where` names the message: "the message “Hi” in “Inbox”").
 */

// MAPI properties pst-extractor does not name.
const PR_INTERNET_REFERENCES = 0x1039;
const PR_SENDER_SMTP_ADDRESS = 0x5d01;
const PR_SENT_REPRESENTING_SMTP_ADDRESS = 0x5d02;
/** Body parts are rebuilt, so the original structure's headers must not be carried over. */
const MIME_STRUCTURE_HEADERS = new Set(['content-type', 'content-transfer-encoding', 'mime-version', 'content-disposition', 'content-id', 'content-description', 'content-length', 'lines']);

interface Address {
  name: string;
  address: string;
}

/** The Message-ID the rebuilt message will carry: the original, or a stable one derived from the item. */
export function messageIdOf(msg: PSTMessage): string {
  const fromHeaders = headerValue(msg.transportMessageHeaders, 'message-id');
  const original = (fromHeaders || msg.internetMessageId || '').trim();
  if (original) return original;
  // Never travelled, so it never had one: derive it from what identifies the item, so a re-import
  // of the same file produces the same ID and is recognised as already present.
  const hash = createHash('sha256')
    .update([msg.descriptorNodeId.toString(), msg.subject, msg.senderEmailAddress, msg.clientSubmitTime?.toISOString() ?? '', msg.creationTime?.toISOString() ?? ''].join('\n'))
    .digest('hex')
    .slice(0, 32);
  return `<${hash}.pst@tern.invalid>`;
}

export function internalDateOf(msg: PSTMessage): Date | undefined {
  return msg.messageDeliveryTime ?? msg.clientSubmitTime ?? msg.creationTime ?? undefined;
}

export async function composeMessage(msg: PSTMessage, where: string, depth = 0): Promise<Buffer> {
  const transport = msg.transportMessageHeaders;
  const { text, html, rtf } = reading(`the text of ${where}`, () => chooseBody(bodySourcesOf(msg)));
  const headers = transport.trim() ? {} : mapiHeaders(msg, where);
  const composer = new MailComposer({
    ...headers,
    text,
    html,
    // The RTF's own header names its code page: its bytes go as they are.
    alternatives: rtf ? [{ contentType: 'text/rtf', content: rtf }] : undefined,
    attachments: await attachmentsOf(msg, where, depth),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const node = composer.compile();
  // Sent items keep their Bcc: it is part of the sender's copy.
  node.keepBcc = true;
  const built = await node.build();
  return transport.trim() ? withTransportHeaders(built, transport, messageIdOf(msg), internalDateOf(msg)) : built;
}

/**
 * Received mail: the original header block as it arrived (byte for byte, minus the MIME
 * structure fields, which belong to the rebuilt body), followed by the rebuilt body's own
 * MIME-Version / Content-Type / Content-Transfer-Encoding.
 */
function withTransportHeaders(built: Buffer, transport: string, messageId: string, date: Date | undefined): Buffer {
  const split = built.indexOf('\r\n\r\n');
  const fieldName = (field: string) => field.slice(0, field.indexOf(':')).trim().toLowerCase();
  const structure = built
    .subarray(0, split)
    .toString('latin1')
    .split(/\r\n(?![ \t])/)
    .filter((field) => MIME_STRUCTURE_HEADERS.has(fieldName(field)));
  const original = transport
    .replace(/\r?\n/g, '\r\n')
    .replace(/^(\r\n)+|(\r\n)+$/g, '')
    .split(/\r\n(?![ \t])/)
    .filter((field) => field.indexOf(':') > 0 && !MIME_STRUCTURE_HEADERS.has(fieldName(field)));
  // RFC 5322 requires both; some Outlook-generated messages (test messages) arrive without.
  if (!original.some((f) => fieldName(f) === 'message-id')) original.push(`Message-ID: ${messageId}`);
  if (date && !original.some((f) => fieldName(f) === 'date')) original.push(`Date: ${date.toUTCString().replace(/GMT$/, '+0000')}`);
  const head = Buffer.from([...original, ...structure].join('\r\n') + '\r\n', 'utf8');
  return Buffer.concat([head, built.subarray(split + 2)]);
}

function headerValue(block: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im').exec(block);
  return m ? m[1].replace(/\r?\n[ \t]+/g, ' ').trim() : undefined;
}

/** Composed (never sent through the internet) mail: headers from the MAPI properties. */
function mapiHeaders(msg: PSTMessage, where: string) {
  const from = addressOf(msg.senderName, smtpOf(msg, PR_SENDER_SMTP_ADDRESS, msg.senderEmailAddress, msg.senderAddrtype));
  const representing = addressOf(msg.sentRepresentingName, smtpOf(msg, PR_SENT_REPRESENTING_SMTP_ADDRESS, msg.sentRepresentingEmailAddress, msg.sentRepresentingAddressType));
  // An Exchange-internal sender (X.500 address only) keeps its name; RFC 5322 needs some address.
  const named = representing.name || from.name;
  const author = representing.address ? representing : from.address ? from : named ? { name: named, address: 'unknown-sender@exchange.invalid' } : from;
  const byType: Record<number, Address[]> = { 1: [], 2: [], 3: [] };
  for (const r of reading(`the recipients of ${where}`, () => recipientsOf(msg))) {
    const smtp = r.smtpAddress || (r.addrType.toUpperCase() === 'SMTP' || r.emailAddress.includes('@') ? r.emailAddress : '');
    (byType[r.recipientType] ?? byType[1]).push(addressOf(r.displayName, smtp));
  }
  const list = (a: Address[]) => {
    const usable = a.filter((x) => x.address);
    return usable.length ? usable : undefined;
  };
  const references = stringProp(msg, PR_INTERNET_REFERENCES).trim();
  return {
    from: author.address ? author : undefined,
    sender: from.address && representing.address && from.address.toLowerCase() !== representing.address.toLowerCase() ? from : undefined,
    to: list(byType[1]),
    cc: list(byType[2]),
    bcc: list(byType[3]),
    subject: msg.subject,
    date: msg.clientSubmitTime ?? msg.messageDeliveryTime ?? msg.creationTime ?? undefined,
    messageId: messageIdOf(msg),
    inReplyTo: msg.inReplyToId?.trim() || undefined,
    references: references || undefined,
  };
}

function smtpOf(msg: PSTMessage, smtpProperty: number, address: string, type: string): string {
  return stringProp(msg, smtpProperty) || (type.toUpperCase() === 'SMTP' || address.includes('@') ? address : '');
}

function stringProp(msg: PSTMessage, id: number): string {
  try {
    return (msg as unknown as { getStringItem(id: number): string }).getStringItem(id) ?? '';
  } catch {
    return '';
  }
}

function addressOf(name: string, address: string): Address {
  return { name: (name || '').trim(), address: (address || '').trim() };
}

async function attachmentsOf(msg: PSTMessage, where: string, depth: number) {
  const out = [];
  const count = reading(`the attachments of ${where}`, () => attachmentCount(msg));
  for (let i = 0; i < count; i++) {
    const att = reading(`the attachments of ${where}`, () => msg.getAttachment(i));
    const name = att.longFilename || att.filename;
    if (isEmbedded(att)) {
      const inner = embeddedMessageOf(msg, att);
      // Depth guard: a message that (through corruption) embeds itself must not loop.
      if (!inner || depth > 8) continue;
      const innerWhere = `the message ${quoted(inner.subject || name || 'message')} attached to ${where}`;
      const filename = (name || inner.subject || 'message') + (/\.eml$/i.test(att.longFilename) ? '' : '.eml');
      out.push({ filename, contentType: 'message/rfc822', contentDisposition: 'attachment', content: await composeMessage(inner, innerWhere, depth + 1) });
      continue;
    }
    const content = reading(`the attachment ${quoted(name || `number ${i + 1}`)} of ${where}`, () => attachmentBytes(att));
    if (!content) continue;
    const cid = att.contentId.replace(/[<>]/g, '').trim();
    out.push({
      filename: name || `attachment-${i + 1}`,
      contentType: att.mimeTag || undefined,
      content,
      ...(cid ? { cid, contentDisposition: 'inline' } : {}),
    });
  }
  return out;
}

/** Streams the attachment's data out of the PST in blocks (never more than the attachment itself). */
export function attachmentBytes(att: PSTAttachment): Buffer | undefined {
  const stream = att.fileInputStream;
  if (!stream) return undefined;
  const parts: Buffer[] = [];
  const block = Buffer.alloc(8176);
  for (;;) {
    const n = stream.read(block);
    if (n <= 0) break;
    parts.push(Buffer.from(block.subarray(0, n)));
    if (n < block.length) break;
  }
  return Buffer.concat(parts);
}

