// Upload sessions as Outlook and To Do take large attachments: a `createUploadSession` action
// answers an uploadSession (uploadUrl, expirationDateTime, nextExpectedRanges); the bytes then go
// by PUTs to that pre-authenticated URL (no Authorization header), each with Content-Range
// "bytes a-b/total" starting where the last ended and under 4 MB; every PUT but the last answers
// 200 with the next expected range, the last 201 Created with the attachment's Location. What the
// bytes are attached to is the caller's: it gets the finished file and gives its Location.
import { GraphFault, type GraphAnswer } from './http';
import { newId, type FakeGraphAttachment } from './store';

const UPLOAD_SESSION = 'microsoft.graph.uploadSession';
/** Graph: "the maximum bytes in any given request is less than 4 MB". */
const MAX_RANGE = 4 * 1024 * 1024;
const LIFETIME_MS = 15 * 60 * 1000;

export interface UploadItem {
  name: string;
  size: number;
  contentType?: string;
  isInline?: boolean;
  contentId?: string;
}

interface Session {
  item: UploadItem;
  parts: Buffer[];
  received: number;
  expires: number;
  /** Keeps the finished attachment; answers its Location. */
  finish: (attachment: FakeGraphAttachment) => string;
}

export class UploadSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly baseUrl: () => string) {}

  /** Opens a session for a file of at most `maxBytes`. */
  open(item: UploadItem, maxBytes: number, finish: Session['finish']): GraphAnswer {
    const size = Number(item.size);
    if (!item.name || !Number.isInteger(size) || size <= 0) throw new GraphFault(400, 'ErrorInvalidRequest', 'An upload session needs the attachment name and its size in bytes.');
    if (size > maxBytes) throw new GraphFault(400, 'ErrorAttachmentSizeLimitExceeded', `The attachment exceeds the maximum size of ${maxBytes / 1024 / 1024} MB.`);
    const id = newId('AAMkAGUpload');
    const session: Session = { item: { ...item, size }, parts: [], received: 0, expires: Date.now() + LIFETIME_MS, finish };
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
    const { name, contentType, isInline, contentId } = s.item;
    const location = s.finish({ id: newId('AAMkAGAtt'), name, contentType: contentType ?? 'application/octet-stream', isInline: isInline ?? false, ...(contentId ? { contentId } : {}), bytes: Buffer.concat(s.parts) });
    return { status: 201, headers: { location } };
  }
}
