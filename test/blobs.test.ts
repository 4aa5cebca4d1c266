// The blob store against a real S3-compatible server (s3rver), and a PST import whose file only
// S3 holds when the worker runs: what a worker on another machine sees.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type TestS3 } from './support/s3';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { imapUrl, projectRoot, startTern } from './support/tern';
import { S3Blobs } from '../src/blobs/s3';
import { FolderBlobs } from '../src/blobs/folder';
import { parseS3Url, type S3Location } from '../src/blobs/s3-url';
import { localCopy } from '../src/blobs/local-copy';
import { importPstFile } from '../commands/import-pst';
import { loadConfig } from '../src/config';
import { TernError } from '../src/errors';
import { withImap } from './support/mailbox';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
});

const text = async (stream: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

describe('S3_URL', () => {
  it('takes s3:// and S3-compatible https/http URLs, and names what is wrong', () => {
    expect(parseS3Url('s3://my-bucket/tern/uploads')).toEqual({ bucket: 'my-bucket', prefix: 'tern/uploads/', region: '' });
    expect(parseS3Url('https://AK:s%2Fcret@minio.example.com:9000/bucket?region=eu-west-3')).toEqual({
      bucket: 'bucket',
      prefix: '',
      endpoint: 'https://minio.example.com:9000',
      region: 'eu-west-3',
      accessKeyId: 'AK',
      secretAccessKey: 's/cret',
    });
    expect(parseS3Url('https://minio.example.com/bucket')).toMatch(/needs the access key and secret/);
    expect(parseS3Url('https://AK:SK@minio.example.com')).toMatch(/must name the bucket/);
    expect(() => loadConfig({ S3_URL: 'ftp://x/y' })).toThrow(/S3_URL must start with s3:\/\/, https:\/\/ or http:\/\//);
  });
});

describe('S3 blob store (s3rver)', () => {
  const store = () => new S3Blobs(parseS3Url(s3.url) as S3Location);

  it('streams a file in and out, says whether a key is there, and deletes it', async () => {
    const blobs = store();
    // 20 MiB: more than one 8 MiB part, so the multipart upload is used.
    const data = randomBytes(20 * 1024 * 1024);
    await blobs.put('uploads/big.pst', Readable.from([data.subarray(0, 7e6), data.subarray(7e6)]));
    expect(await blobs.has('uploads/big.pst')).toBe(true);
    expect((await text(await blobs.get('uploads/big.pst'))).equals(data)).toBe(true);
    await blobs.delete('uploads/big.pst');
    expect(await blobs.has('uploads/big.pst')).toBe(false);
  });

  it('says which key is missing where, and which bucket does not exist', async () => {
    const blobs = store();
    const missing = await blobs.get('uploads/none.pst').catch((e) => e);
    expect(missing).toBeInstanceOf(TernError);
    expect(missing.code).toBe('BLOB_MISSING');
    expect(missing.userMessage).toBe(`uploads/none.pst is no longer in S3 bucket ${s3.bucket} at 127.0.0.1:${s3.port}.`);
    const noBucket = new S3Blobs(parseS3Url(s3.url.replace(/tern-test$/, 'no-such-bucket')) as S3Location);
    const err = await noBucket.put('uploads/x', Readable.from([Buffer.from('x')])).catch((e) => e);
    expect(err.code).toBe('BLOB_STORE');
    expect(err.userMessage).toMatch(/the bucket no-such-bucket does not exist: create it, or fix S3_URL/);
    expect(err.userMessage).not.toMatch(/S3RVER/);
  });

  it('keeps one local copy per machine for the PST reader, fetched once', async () => {
    const blobs = store();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-blob-'));
    await blobs.put('uploads/a.pst', Readable.from([Buffer.from('!BDN…')]));
    const file = await localCopy(blobs, dataDir, 'uploads/a.pst');
    expect(file).toBe(path.join(dataDir, 'uploads/a.pst'));
    expect(fs.readFileSync(file, 'utf8')).toBe('!BDN…');
    await blobs.delete('uploads/a.pst');
    // Already here: not fetched again.
    expect(await localCopy(blobs, dataDir, 'uploads/a.pst')).toBe(file);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the data folder store reads in place and refuses keys outside it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-blob-'));
    const blobs = new FolderBlobs(dataDir);
    await blobs.put('uploads/b.pst', Readable.from([Buffer.from('b')]));
    expect(await localCopy(blobs, dataDir, 'uploads/b.pst')).toBe(path.join(dataDir, 'uploads/b.pst'));
    expect(() => blobs.pathOf('../etc/passwd')).toThrow(/bad blob key/);
    const gone = await blobs.get('uploads/c.pst').catch((e) => e);
    expect(gone.userMessage).toMatch(/uploads\/c\.pst is no longer in the data folder .*set S3_URL so that every worker reaches uploaded files/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('PST import with S3_URL', () => {
  let dovecot: DovecotServer;
  let redis: TestRedis;
  beforeAll(async () => {
    [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  });
  afterAll(async () => {
    await Promise.all([dovecot?.stop(), redis?.stop()]);
  });

  it('the worker reads the copy in S3 (the original is gone), and the copy goes with the rollback window', async () => {
    const tern = await startTern(redis.url, { S3_URL: s3.url });
    try {
      await dovecot.addUser('s3pst', 's3pstpass');
      const mine = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tern-own-')), 'sample.pst');
      fs.copyFileSync(path.resolve(projectRoot, '../shared/fixtures/pst/pstsdk-sample2-ansi.pst'), mine);
      const queued = await importPstFile(tern.service, { file: mine, to: imapUrl(dovecot, 's3pst'), items: 'emails' }, tern.actor);
      const key = queued.sourceEndpoint.blob!;
      expect(key).toMatch(/^uploads\/[0-9a-f]{12}-sample\.pst$/);
      const blobs = await tern.runtime.blobs();
      expect(await blobs.has(key)).toBe(true);
      // As on another machine: the file the user named is not there for the worker.
      fs.rmSync(path.dirname(mine), { recursive: true, force: true });
      await tern.startWorker();
      const done = await tern.waitFor(queued.id);
      expect(done.status).toBe('completed');
      const copied = done.steps.find((s) => s.kind === 'emails')!.copied;
      expect(copied).toBeGreaterThan(0);
      const inDestination = await withImap({ host: '127.0.0.1', port: dovecot.imapPort, user: 's3pst', password: 's3pstpass' }, async (c) => {
        let n = 0;
        for (const box of await c.list()) {
          const st = await c.status(box.path, { messages: true });
          n += st ? (st.messages ?? 0) : 0;
        }
        return n;
      });
      expect(inDestination).toBe(copied);
      // The worker fetched its own copy into its data folder.
      expect(fs.existsSync(path.join(tern.env.TERN_DATA_DIR, key))).toBe(true);
      expect(await tern.service.purgeExpired(Date.now() + 49 * 3_600_000)).toEqual([queued.id]);
      await expect.poll(() => blobs.has(key)).toBe(false);
      await expect.poll(() => fs.existsSync(path.join(tern.env.TERN_DATA_DIR, key))).toBe(false);
    } finally {
      await tern.close();
    }
  });
});
