import { randomBytes } from 'node:crypto';
import { downloadShared } from '../uploads/download';

/** A Discord attachment from its CDN URL (signed, expiring: an expired one answers an error page). */
export function downloadAttachment(url: string, name: string, dir: string, maxBytes: number): Promise<string> {
  return downloadShared(url, { id: randomBytes(6).toString('hex'), name }, { dir, maxBytes, platform: 'Discord', htmlHint: 'the attachment link has probably expired; run /migrate import-pst again.' });
}
