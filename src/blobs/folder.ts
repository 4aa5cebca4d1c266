import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TernError } from '../errors';
import { checkKey, type BlobStore } from './store';

/** The default store: files under the data folder (one machine, or a folder every worker mounts). */
export class FolderBlobs implements BlobStore {
  readonly where: string;

  constructor(private readonly root: string) {
    this.where = `the data folder ${root}`;
  }

  pathOf(key: string): string {
    return path.join(this.root, checkKey(key));
  }

  async put(key: string, body: Readable): Promise<void> {
    const file = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Written aside, then renamed: a reader never sees half a file.
    const part = `${file}.${randomBytes(4).toString('hex')}.part`;
    try {
      await pipeline(body, fs.createWriteStream(part, { mode: 0o600 }));
      await fs.promises.rename(part, file);
    } catch (err) {
      await fs.promises.rm(part, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    const handle = await fs.promises.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new TernError('BLOB_MISSING', `${key} is no longer in ${this.where}: it was deleted, or this worker has another data folder (set S3_URL so that every worker reaches uploaded files).`);
      throw err;
    });
    return handle.createReadStream();
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async has(key: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }
}
