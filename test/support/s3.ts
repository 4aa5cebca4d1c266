// A real S3-compatible server for tests: the npm s3rver (PyPI's moto is not reachable here), in a
// temp dir on a free port, with one bucket. s3rver accepts the access key S3RVER / secret S3RVER.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { freePort } from './ports';

export interface TestS3 {
  /** S3_URL for Tern: http://S3RVER:S3RVER@127.0.0.1:PORT/BUCKET */
  url: string;
  bucket: string;
  port: number;
  stop(): Promise<void>;
}

export async function startS3(bucket = 'tern-test'): Promise<TestS3> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-s3-'));
  const port = await freePort();
  const server = new S3rver({ address: '127.0.0.1', port, directory: dir, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  await server.run();
  return {
    url: `http://S3RVER:S3RVER@127.0.0.1:${port}/${bucket}`,
    bucket,
    port,
    async stop() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
