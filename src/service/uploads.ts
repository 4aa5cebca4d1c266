import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TernError } from '../errors';
import { inspectPstHeader } from '../connectors/pst/header';
import { openPst } from '../connectors/pst/client';
import type { BlobStore } from '../blobs/store';
import { dropLocalCopy } from '../blobs/local-copy';

/** Where received .pst files are kept until their task's rollback window closes. */
export function uploadsDir(dataDir: string): string {
  return path.join(dataDir, 'uploads');
}

/**
 * Checks a .pst before anything else reads it: present, not empty, the "!BDN" signature, not an
 * OST, no "high" encryption, not truncated (header only, cheap).
 */
export async function checkPstFile(file: string, name: string): Promise<void> {
  await inspectPstHeader(file, name);
}

/** Opens the file in a reader thread and walks its folder tree: a damaged file is refused before a task exists. */
export async function probePstFile(file: string, name: string): Promise<void> {
  await checkPstFile(file, name);
  const pst = await openPst(file, name);
  await pst.close();
}

/** Removes a stored upload; files outside the uploads directory (a CLI user's own file) are never touched. */
export function deleteStoredUpload(dataDir: string, file: string | undefined): boolean {
  if (!file || !isStoredUpload(dataDir, file)) return false;
  fs.rmSync(file, { force: true });
  return true;
}

export function isStoredUpload(dataDir: string, file: string): boolean {
  const rel = path.relative(uploadsDir(dataDir), path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Downloads a .pst given as an HTTPS link (for files above a chat's upload limit), streamed to
 * the uploads directory and cut off at maxBytes; the first bytes must be the PST signature, so a
 * web page or a wrong link is refused at once instead of after gigabytes.
 */
export async function downloadPst(url: string, dataDir: string, maxBytes: number): Promise<{ file: string; fileName: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new TernError('BAD_UPLOAD', `"${url}" is not a link. Give an https:// link to the .pst file.`, { field: 'url' });
  }
  if (parsed.protocol !== 'https:') throw new TernError('BAD_UPLOAD', `Only https:// links are accepted for a .pst file (got ${parsed.protocol.replace(/:$/, '')}).`, { field: 'url' });
  const fileName = decodeURIComponent(path.posix.basename(parsed.pathname)) || 'download.pst';
  let res: Response;
  try {
    res = await fetch(parsed, { redirect: 'follow' });
  } catch (err) {
    throw new TernError('BAD_UPLOAD', `${parsed.host} could not be reached to download ${fileName}.`, { field: 'url', cause: err });
  }
  if (!res.ok || !res.body) throw new TernError('BAD_UPLOAD', `${parsed.host} answered HTTP ${res.status} for ${fileName}; check the link (it must download the file itself, without a sign-in).`, { field: 'url' });
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await res.body.cancel();
    throw new TernError('BAD_UPLOAD', `${fileName} is ${declared} bytes, more than the ${maxBytes} bytes allowed (TERN_MAX_UPLOAD_BYTES).`, { field: 'url' });
  }
  const dir = uploadsDir(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${randomBytes(6).toString('hex')}-${fileName.replace(/[^\w.-]/g, '_')}`);
  let seen = 0;
  let head = Buffer.alloc(0);
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) return done(new TernError('BAD_UPLOAD', `${fileName} is larger than the ${maxBytes} bytes allowed (TERN_MAX_UPLOAD_BYTES).`, { field: 'url' }));
      if (head.length < 4) {
        head = Buffer.concat([head, chunk.subarray(0, 4 - head.length)]);
        if (head.length >= 4 && head.toString('latin1') !== '!BDN') {
          return done(new TernError('BAD_UPLOAD', `${fileName} is not a PST file (the link gives something that does not start with the PST signature; is it a web page?).`, { field: 'url' }));
        }
      }
      done(null, chunk);
    },
  });
  // Opened before the copy starts: a write stream opens its file lazily, and one refused at the
  // first chunk could create the file after the clean-up below had run, leaving it behind.
  const handle = await fs.promises.open(file, 'wx', 0o600);
  try {
    await pipeline(Readable.fromWeb(res.body as never), guard, handle.createWriteStream());
  } catch (err) {
    await handle.close().catch(() => {});
    fs.rmSync(file, { force: true });
    throw err instanceof TernError ? err : new TernError('BAD_UPLOAD', `The download of ${fileName} from ${parsed.host} failed; try again.`, { field: 'url', cause: err });
  }
  return { file, fileName };
}

/**
 * Puts a checked .pst where every worker reaches it, and returns its blob key (undefined: the
 * file is read in place). A stored upload is already in the data folder store; with S3 it is
 * streamed up and its local file kept as this machine's copy. A CLI user's own file is read in
 * place with the data folder store, and copied to S3 (never moved) with S3.
 */
export async function storeUpload(blobs: BlobStore, dataDir: string, file: string, fileName: string): Promise<string | undefined> {
  const stored = isStoredUpload(dataDir, file);
  const key = stored ? path.relative(dataDir, path.resolve(file)).split(path.sep).join('/') : `uploads/${randomBytes(6).toString('hex')}-${fileName.replace(/[^\w.-]/g, '_')}`;
  if (blobs.pathOf(key)) return stored ? key : undefined;
  await blobs.put(key, fs.createReadStream(file));
  return key;
}

/** Deletes a task's stored .pst: the blob (S3 or data folder), this machine's copy, or a legacy stored path. */
export async function deleteUpload(blobs: BlobStore, dataDir: string, endpoint: { file?: string; blob?: string }): Promise<void> {
  if (endpoint.blob) {
    await blobs.delete(endpoint.blob);
    await dropLocalCopy(blobs, dataDir, endpoint.blob);
  }
  deleteStoredUpload(dataDir, endpoint.file);
}
