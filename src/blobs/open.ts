import type { BlobStore } from './store';
import { FolderBlobs } from './folder';
import type { S3Location } from './s3-url';

/** The configured store: S3 when S3_URL is set (the AWS SDK loads only then), else the data folder. */
export async function openBlobs(config: { dataDir: string; s3?: S3Location }): Promise<BlobStore> {
  if (!config.s3) return new FolderBlobs(config.dataDir);
  const { S3Blobs } = await import('./s3');
  return new S3Blobs(config.s3);
}
