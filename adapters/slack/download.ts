import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TernError } from '../../src/errors';

/**
 * Downloads a Slack file with the bot token, streamed to disk (never whole in memory) and cut off
 * at maxBytes. Slack answers an HTML sign-in page, not an error, when the token may not read
 * files: that is detected and reported, not saved as the file.
 */
export async function downloadSlackFile(url: string, token: string, file: { id: string; name: string }, dir: string, maxBytes: number): Promise<string> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, redirect: 'follow' });
  if (!res.ok || !res.body) throw new TernError('BAD_UPLOAD', `Slack did not give ${file.name} (HTTP ${res.status}). Share it again.`);
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    await res.body.cancel();
    throw new TernError('BAD_UPLOAD', `Slack answered a sign-in page instead of ${file.name}: the app needs the files:read scope (reinstall it from the manifest).`);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await res.body.cancel();
    throw new TernError('BAD_UPLOAD', `${file.name} is ${declared} bytes, more than the ${maxBytes} bytes allowed (TERN_MAX_UPLOAD_BYTES).`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `${file.id}-${path.basename(file.name).replace(/[^\w.-]/g, '_')}`);
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > maxBytes ? new TernError('BAD_UPLOAD', `${file.name} is larger than the ${maxBytes} bytes allowed (TERN_MAX_UPLOAD_BYTES).`) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as never), limit, fs.createWriteStream(target, { mode: 0o600 }));
  } catch (err) {
    fs.rmSync(target, { force: true });
    throw err instanceof TernError ? err : new TernError('BAD_UPLOAD', `The download of ${file.name} from Slack failed; share it again.`, { cause: err });
  }
  return target;
}
