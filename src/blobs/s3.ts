import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { TernError } from '../errors';
import type { S3Location } from './s3-url';
import { checkKey, type BlobStore } from './store';

/** S3-compatible object storage (S3_URL), reached by every worker on every machine. Loaded only when S3_URL is set. */
export class S3Blobs implements BlobStore {
  readonly where: string;

  private readonly client: S3Client;

  constructor(private readonly at: S3Location) {
    this.where = `S3 bucket ${at.bucket}${at.endpoint ? ` at ${new URL(at.endpoint).host}` : ''}`;
    this.client = new S3Client({
      region: at.region || undefined,
      ...(at.endpoint ? { endpoint: at.endpoint, forcePathStyle: true } : {}),
      ...(at.accessKeyId ? { credentials: { accessKeyId: at.accessKeyId, secretAccessKey: at.secretAccessKey! } } : {}),
    });
  }

  pathOf(): undefined {
    return undefined;
  }

  async put(key: string, body: Readable): Promise<void> {
    // Multipart, 8 MiB parts, a few at a time: a 50 GB .pst never sits in memory.
    const upload = new Upload({ client: this.client, params: { Bucket: this.at.bucket, Key: this.key(key), Body: body }, partSize: 8 * 1024 * 1024, queueSize: 2 });
    await upload.done().catch((err) => this.fail(err, key, 'store'));
  }

  async get(key: string): Promise<Readable> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.at.bucket, Key: this.key(key) })).catch((err) => this.fail(err, key, 'read'));
    return res.Body as Readable;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.at.bucket, Key: this.key(key) })).catch((err) => this.fail(err, key, 'delete'));
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.at.bucket, Key: this.key(key) }));
      return true;
    } catch (err) {
      if (err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound')) return false;
      return this.fail(err, key, 'read');
    }
  }

  private key(key: string): string {
    return this.at.prefix + checkKey(key);
  }

  /** The server's refusal, said with the store and the key (never the credentials). */
  private fail(err: unknown, key: string, what: string): never {
    const name = err instanceof S3ServiceException ? err.name : (err as Error)?.name;
    const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
    if (name === 'NoSuchKey') throw new TernError('BLOB_MISSING', `${key} is no longer in ${this.where}.`, { cause: err });
    const hint =
      name === 'NoSuchBucket'
        ? `the bucket ${this.at.bucket} does not exist: create it, or fix S3_URL`
        : name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || status === 403
          ? 'the access key or secret in S3_URL was refused'
          : `${name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${(err as Error)?.message ?? ''}`;
    throw new TernError('BLOB_STORE', `Could not ${what} ${key} in ${this.where}: ${hint}.`, { retryable: status === undefined || status >= 500, cause: err });
  }
}
