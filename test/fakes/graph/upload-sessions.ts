// Large attachments as Outlook takes them: `POST …/messages/{id}/attachments/createUploadSession`
// with an AttachmentItem answers an uploadSession (uploadUrl, expirationDateTime,
// nextExpectedRanges); the bytes then go by PUTs to that pre-authenticated URL (no Authorization
// header), each with Content-Range "bytes a-b/total" starting where the last ended and under 4 MB;
// every PUT but the last answers 200 with the next expected range, the last 201 Created with the
// attachment's Location. Only a draft takes attachments (Tern clears the draft state afterwards).
import { GraphFault, notFound, type GraphAnswer, type GraphRequest, type Handler } from './http';
import { newId, MSGFLAG_UNSENT, type FakeGraphAttachment, type FakeGraphMailbox, type FakeGraphMessage } from './store';

const UPLOAD_SESSION = 'microsoft.graph.uploadSession';
/** Graph: "the maximum bytes in any given request is less than 4 MB". */
const MAX_RANGE = 4 * 1024 * 1024;
/** Exchange Online's limit for a file attached by upload session. */
const MAX_ATTACHMENT = 150 * 1024 * 1024;
const LIFETIME_MS = 15 * 60 * 1000;

interface Session {
  mailbox: FakeGraphMailbox;
  message: FakeGraphMessage;
  item: { name: string; size: number; contentType?: string; isInline?: boolean; contentId?: string };
  parts: Buffer[];
  received: number;
  expires: number;
}

export class UploadSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly baseUrl: () => string) {}

  /** The action on a message's attachments. */
  create(req: GraphRequest, message: FakeGraphMessage): GraphAnswer {
    const item = req.json?.AttachmentItem as Session['item'] & { attachmentType?: string };
    if (item.attachmentType !== 'file') throw new GraphFault(400, 'ErrorInvalidRequest', `attachmentType must be 'file' for an upload session, not '${item.attachmentType}'.`);
    if (!item.name || !Number.isInteger(Number(item.size)) || Number(item.size) <= 0) throw new GraphFault(400, 'ErrorInvalidRequest', 'An upload session needs the attachment name and its size in bytes.');
    if (Number(item.size) > MAX_ATTACHMENT) throw new GraphFault(400, 'ErrorAttachmentSizeLimitExceeded', 'The attachment exceeds the maximum size of 150 MB.');
    if ((req.mailbox.flagsOf(message) & MSGFLAG_UNSENT) === 0) throw new GraphFault(400, 'ErrorInvalidOperation', 'Attachments can be added to draft items only.');
    const id = newId('AAMkAGUpload');
    const session: Session = { mailbox: req.mailbox, message, item: { ...item, size: Number(item.size) }, parts: [], received: 0, expires: Date.now() + LIFETIME_MS };
    this.sessions.set(id, session);
    const json = {
      uploadUrl: `${this.baseUrl()}/upload/AttachmentSessions/${encodeURIComponent(id)}?authtoken=${newId('eyJ')}`,
      expirationDateTime: new Date(session.expires).toISOString(),
      nextExpectedRanges: ['0-'],
    };
    return { status: 201, json, type: UPLOAD_SESSION };
  }

  /** A PUT of one byte range to an uploadUrl. */
  put(pathname: string, headers: Record<string, string>, body: Buffer): GraphAnswer {
    const id = decodeURIComponent(pathname.split('/').pop() ?? '');
    const s = this.sessions.get(id);
    if (!s || s.expires < Date.now()) throw new GraphFault(404, 'ErrorItemNotFound', 'The upload session was not found or has expired.');
    // The URL carries its own credential; a bearer token alongside it is refused.
    if (headers.authorization) throw new GraphFault(401, 'InvalidAuthenticationToken', 'Do not send an Authorization header with a pre-authenticated upload URL.');
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headers['content-range'] ?? '');
    if (!range) throw new GraphFault(400, 'InvalidContentRange', 'The Content-Range header is missing or malformed (bytes start-end/total).');
    const [start, end, total] = range.slice(1).map(Number);
    if (total !== s.item.size) throw new GraphFault(400, 'InvalidContentRange', `The total size ${total} differs from the session's ${s.item.size}.`);
    if (start !== s.received) throw new GraphFault(416, 'InvalidRange', `Expected the range starting at ${s.received}.`);
    if (end < start || end >= total || body.length !== end - start + 1) throw new GraphFault(400, 'InvalidContentRange', `The body holds ${body.length} bytes, not the ${end - start + 1} of its Content-Range.`);
    if (body.length >= MAX_RANGE) throw new GraphFault(413, 'RequestEntityTooLarge', 'Each byte range must be less than 4 MB.');
    s.parts.push(body);
    s.received = end + 1;
    if (s.received < total) return { status: 200, json: { expirationDateTime: new Date(s.expires).toISOString(), nextExpectedRanges: [`${s.received}-`] }, type: UPLOAD_SESSION };
    this.sessions.delete(id);
    const attachment = { id: newId('AAMkAGAtt'), name: s.item.name, contentType: s.item.contentType ?? 'application/octet-stream', isInline: s.item.isInline ?? false, contentId: s.item.contentId, bytes: Buffer.concat(s.parts) };
    s.message.attachments.push(attachment);
    s.mailbox.touch(s.message);
    const location = `${this.baseUrl()}/v1.0/users/${encodeURIComponent(s.mailbox.user)}/messages/${encodeURIComponent(s.message.id)}/attachments/${encodeURIComponent(attachment.id)}`;
    return { status: 201, headers: { location } };
  }
}

/** The routes: the action on a message's attachments, and the attachments listed as fileAttachments. */
export function attachmentRoutes(sessions: UploadSessions): Array<[string, string, Handler]> {
  const messageOf = (req: GraphRequest) => {
    const m = req.mailbox.messages.get(req.path.keys[1]);
    if (!m) throw notFound();
    return m;
  };
  return [
    ['POST', 'users/{}/messages/{}/attachments/createUploadSession', (req) => sessions.create(req, messageOf(req))],
    ['GET', 'users/{}/messages/{}/attachments', (req) => ({
      status: 200,
      json: { value: messageOf(req).attachments.map(renderAttachment) },
      type: 'microsoft.graph.attachment',
      collection: true,
    })],
  ];
}

function renderAttachment(a: FakeGraphAttachment): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    id: a.id,
    name: a.name,
    contentType: a.contentType,
    size: a.bytes.length,
    isInline: a.isInline,
    ...(a.contentId ? { contentId: a.contentId } : {}),
    contentBytes: a.bytes.toString('base64'),
  };
}
