import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { checkKey, type BlobStore } from './store';

/**
 * A local file holding a stored blob, for readers that need random access (the PST reader). The
 * data folder store reads its file in place; from S3 the blob is streamed once into this
 * machine's data folder, under the same key, and reused by later runs of the task.
 */
export async function localCopy(blobs: BlobStore, dataDir: string, key: string): Promise<string> {
  const inPlace = blobs.pathOf(key);
  if (inPlace) return inPlace;
  const file = path.join(dataDir, checkKey(key));
  if (fs.existsSync(file)) return file;
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const part = `${file}.${randomBytes(4).toString('hex')}.part`;
  try {
    await pipeline(await blobs.get(key), fs.createWriteStream(part, { mode: 0o600 }));
    await fs.promises.rename(part, file);
  } catch (err) {
    await fs.promises.rm(part, { force: true });
    throw err;
  }
  return file;
}

/** Drops this machine's copy of a blob held elsewhere (the data folder store's own files stay). */
export async function dropLocalCopy(blobs: BlobStore, dataDir: string, key: string): Promise<void> {
  if (blobs.pathOf(key)) return;
  await fs.promises.rm(path.join(dataDir, checkKey(key)), { force: true });
}
