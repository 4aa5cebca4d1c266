import type { OutgoingMessage, WriteOutcome } from '../../ports/mail';
import { TernError } from '../../errors';
import type { GraphHttp } from './http';
import { deleteMessages, MAX_REQUEST_BYTES, mb, patchOf, refusedBy } from './messages';
import { detachLargeFiles } from './mime-attachments';
import { UPLOAD_SESSION_MIN_BYTES, uploadAttachment } from './upload-session';

const base64Length = (n: number) => Math.ceil(n / 3) * 4;

/**
 * A message above Graph's 4 MB request limit: created from its MIME without the files over 3 MB,
 * each of those then attached by upload session, and only then the PATCH that clears the draft
 * state (attachments go on drafts only). The headers and every other part stay byte for byte; the
 * large files arrive with the same bytes, as Exchange attachments. A draft left half-done by a
 * failure is deleted again.
 */
export async function writeLargeMessage(http: GraphHttp, collection: string, m: OutgoingMessage): Promise<WriteOutcome> {
  const { mime, files } = detachLargeFiles(m.raw, UPLOAD_SESSION_MIN_BYTES);
  if (files.length === 0 || base64Length(mime.length) > MAX_REQUEST_BYTES) {
    const rest = files.length === 0 ? 'it has no attachment over 3 MB to send apart' : `without its attachments over 3 MB it is still ${mb(mime.length)}`;
    return { refused: `the message is ${mb(m.raw.length)}: Microsoft Graph takes at most 4 MB in one request (MIME in base64), and ${rest}`, code: 'RequestEntityTooLarge' };
  }
  const [created] = await http.batch([{ method: 'POST', url: collection, headers: { 'Content-Type': 'text/plain' }, body: mime.toString('base64') }]);
  const id = created.body?.id;
  if (created.status !== 201 || typeof id !== 'string') return refusedBy(created);
  try {
    for (const file of files) await uploadAttachment(http, id, file);
    const [patched] = await http.batch([patchOf(http, id, m)]);
    if (patched.status === 200) return { id };
    await deleteMessages(http, [id]);
    return refusedBy(patched);
  } catch (err) {
    await deleteMessages(http, [id]).catch(() => {});
    // A file Graph refused is this message's failure; a connection lost or a busy server is the lane's.
    if (err instanceof TernError && !err.retryable && err.code === 'PROTOCOL_ERROR') return { refused: err.userMessage };
    throw err;
  }
}
