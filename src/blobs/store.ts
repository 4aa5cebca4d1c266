import type { Readable } from 'node:stream';

/**
 * Where files a worker must read (uploaded .pst files) are kept, so that every worker reaches
 * them: the data folder by default, S3-compatible object storage with S3_URL. Keys are relative
 * paths such as "uploads/3f9a0c1d2e4b-archive.pst".
 */
export interface BlobStore {
  /** Said in messages: "the data folder /srv/tern", "S3 bucket tern at s3.example.com". */
  readonly where: string;
  /** Stores a stream under `key` (streamed, never held whole in memory). */
  put(key: string, body: Readable): Promise<void>;
  /** The stored bytes as a stream; a missing key is a TernError naming the store. */
  get(key: string): Promise<Readable>;
  /** Removes the key; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Whether the key is stored. */
  has(key: string): Promise<boolean>;
  /** The data folder store reads its files in place: the path of a key there, else undefined. */
  pathOf(key: string): string | undefined;
}

/** Keys stay inside the store: no absolute paths, no "..". */
export function checkKey(key: string): string {
  const parts = key.split('/');
  if (!key || key.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) throw new Error(`bad blob key: ${key}`);
  return key;
}
