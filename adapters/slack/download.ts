import { downloadShared } from '../uploads/download';

/** A Slack file, fetched with the bot token (Slack answers a sign-in page without files:read). */
export function downloadSlackFile(url: string, token: string, file: { id: string; name: string }, dir: string, maxBytes: number): Promise<string> {
  return downloadShared(url, file, { dir, maxBytes, platform: 'Slack', token, htmlHint: 'the app needs the files:read scope (reinstall it from the manifest).' });
}
