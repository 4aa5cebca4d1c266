import { connectionError } from '../errors';
import { enc } from './folders';
import type { GraphHttp } from './http';
import type { DetachedFile } from './mime-attachments';

/** Graph takes a file attachment of 3 MB or more only by upload session (a request body stays under 4 MB). */
export const UPLOAD_SESSION_MIN_BYTES = 3 * 1024 * 1024;
/** Bytes per PUT: under Graph's 4 MB per request, a multiple of 320 KiB as Microsoft asks. */
const RANGE_BYTES = 10 * 320 * 1024;

/**
 * Uploads a file through an upload session, whatever it is attached to: `createPath` is the
 * `…/attachments/createUploadSession` action of an event, a message or a To Do task, `parameters`
 * its body (`{ AttachmentItem }` for Outlook items, `{ attachmentInfo }` for To Do). The bytes then
 * go in ranges (Content-Range) to the pre-authenticated uploadUrl, each starting where Graph's
 * nextExpectedRanges says, until it answers 201 Created. The upload URL carries its own
 * credential: no bearer token goes with it.
 */
export async function uploadBySession(http: GraphHttp, createPath: string, parameters: object, bytes: Buffer, name: string): Promise<void> {
  const session = await http.call('POST', createPath, { body: parameters });
  const uploadUrl = session.json?.uploadUrl;
  if (typeof uploadUrl !== 'string') throw http.refusal(session, 'POST', createPath);
  let next = firstExpected(session.json?.nextExpectedRanges) ?? 0;
  for (;;) {
    const end = Math.min(next + RANGE_BYTES, bytes.length) - 1;
    const res = await putRange(http, uploadUrl, bytes.subarray(next, end + 1), `bytes ${next}-${end}/${bytes.length}`);
    if (res.status === 201) return;
    const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const expected = res.status === 200 ? firstExpected(body?.nextExpectedRanges) : undefined;
    if (expected === undefined || expected <= next) throw http.refusal({ status: res.status === 200 ? 502 : res.status, body }, 'PUT', `${createPath} (upload of "${name}")`);
    next = expected;
  }
}

/** "2097152-" or "2097152-3145727" → 2097152. */
function firstExpected(ranges: unknown): number | undefined {
  const first = Array.isArray(ranges) ? ranges[0] : undefined;
  const start = typeof first === 'string' ? Number(first.split('-')[0]) : NaN;
  return Number.isInteger(start) ? start : undefined;
}

async function putRange(http: GraphHttp, url: string, bytes: Buffer, range: string): Promise<Response> {
  try {
    return await fetch(url, { method: 'PUT', headers: { 'content-range': range, 'content-type': 'application/octet-stream' }, body: bytes as unknown as BodyInit, signal: AbortSignal.timeout(http.timeoutMs) });
  } catch (err) {
    const cause = (err as Error).name === 'TimeoutError' ? Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }) : ((err as { cause?: unknown }).cause ?? err);
    const at = new URL(url);
    throw connectionError(cause, 'Microsoft Graph upload', { protocol: 'graph', host: at.hostname, port: Number(at.port) || 443, secure: at.protocol === 'https:', insecure: false, user: http.mailbox });
  }
}

/** Attaches a detached file to a draft message through an upload session. */
export function uploadAttachment(http: GraphHttp, messageId: string, file: DetachedFile): Promise<void> {
  const item = { attachmentType: 'file', name: file.name, size: file.bytes.length, contentType: file.contentType, isInline: file.isInline, ...(file.contentId ? { contentId: file.contentId } : {}) };
  return uploadBySession(http, `${http.userPath}/messages/${enc(messageId)}/attachments/createUploadSession`, { AttachmentItem: item }, file.bytes, file.name);
}
