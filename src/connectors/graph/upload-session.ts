import { connectionError } from '../errors';
import { enc } from './folders';
import type { GraphHttp } from './http';
import type { DetachedFile } from './mime-attachments';

/** Graph takes files above 3 MB only by upload session. */
export const UPLOAD_SESSION_MIN_BYTES = 3 * 1024 * 1024;
/** Bytes per PUT: under Graph's 4 MB per request, a multiple of 320 KiB as Microsoft asks. */
const RANGE_BYTES = 12 * 320 * 1024;

/**
 * Attaches a file to a draft through an upload session: `createUploadSession` with the
 * AttachmentItem, then the bytes in ranges (Content-Range) to the pre-authenticated uploadUrl,
 * each starting where Graph's nextExpectedRanges says, until it answers 201 Created. The upload
 * URL carries its own credential: no bearer token goes with it.
 */
export async function uploadAttachment(http: GraphHttp, messageId: string, file: DetachedFile, timeoutMs: number): Promise<void> {
  const sessionPath = `${http.userPath}/messages/${enc(messageId)}/attachments/createUploadSession`;
  const item = { attachmentType: 'file', name: file.name, size: file.bytes.length, contentType: file.contentType, isInline: file.isInline, ...(file.contentId ? { contentId: file.contentId } : {}) };
  const session = await http.call('POST', sessionPath, { body: { AttachmentItem: item } });
  const uploadUrl = session.json?.uploadUrl;
  if (typeof uploadUrl !== 'string') throw http.refusal(session, 'POST', sessionPath);
  let next = firstExpected(session.json?.nextExpectedRanges) ?? 0;
  for (;;) {
    const end = Math.min(next + RANGE_BYTES, file.bytes.length) - 1;
    const res = await putRange(http, uploadUrl, file.bytes.subarray(next, end + 1), `bytes ${next}-${end}/${file.bytes.length}`, timeoutMs);
    if (res.status === 201) return;
    const body = res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    const expected = firstExpected(body?.nextExpectedRanges ?? body?.NextExpectedRanges);
    if (expected === undefined) {
      const failure = body ?? (await res.json().catch(() => undefined));
      throw http.refusal({ status: res.status, body: failure as Record<string, unknown> | undefined }, 'PUT', `${sessionPath} (upload of "${file.name}")`);
    }
    next = expected;
  }
}

/** "2097152-" or "2097152" → 2097152. */
function firstExpected(ranges: unknown): number | undefined {
  const first = Array.isArray(ranges) ? ranges[0] : undefined;
  const start = typeof first === 'string' ? Number(first.split('-')[0]) : NaN;
  return Number.isInteger(start) ? start : undefined;
}

async function putRange(http: GraphHttp, url: string, bytes: Buffer, range: string, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { method: 'PUT', headers: { 'content-range': range, 'content-type': 'application/octet-stream' }, body: bytes as unknown as BodyInit, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as Error).name === 'TimeoutError' ? Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }) : ((err as { cause?: unknown }).cause ?? err);
    const at = new URL(url);
    throw connectionError(cause, 'Microsoft Graph upload', { protocol: 'graph', host: at.hostname, port: Number(at.port) || 443, secure: at.protocol === 'https:', insecure: false, user: http.mailbox });
  }
}
