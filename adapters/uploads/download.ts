import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TernError } from '../../src/errors';

/**
 * Downloads a file shared in chat into the uploads directory: streamed to disk (never whole in
 * memory), cut off at maxBytes. A chat platform answering an HTML page instead of the file (a
 * sign-in page for a missing scope, an expired link) is reported, not saved as the file.
 */
export async function downloadShared(
  url: string,
  file: { id: string; name: string },
  opts: { dir: string; maxBytes: number; platform: string; token?: string; htmlHint: string },
): Promise<string> {
  const { dir, maxBytes, platform } = opts;
  const res = await fetch(url, { headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {}, redirect: 'follow' });
  if (!res.ok || !res.body) throw new TernError('BAD_UPLOAD', `${platform} did not give ${file.name} (HTTP ${res.status}). Share it again.`);
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    await res.body.cancel();
    throw new TernError('BAD_UPLOAD', `${platform} answered a web page instead of ${file.name}: ${opts.htmlHint}`);
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
    throw err instanceof TernError ? err : new TernError('BAD_UPLOAD', `The download of ${file.name} from ${platform} failed; share it again.`, { cause: err });
  }
  return target;
}
