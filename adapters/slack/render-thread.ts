import type { ThreadPost } from '../cards/keeper';
import { mention } from './render-card';
import { esc } from './mrkdwn';

/**
 * Thread messages past this length go as a file: Slack cuts message text at 40,000 characters
 * and folds long ones behind "Show more"; a report is worth reading whole.
 */
export const THREAD_TEXT_MAX = 3_000;

/** A thread message: plain lines escaped, the requester mentioned on the last one (a notification, not an edit). */
export function threadMessage(post: ThreadPost): { text: string; file?: { name: string; content: string } } {
  const body = post.plain ? esc(post.lines.join('\n')) : post.lines.join('\n');
  const tag = post.final && post.requester?.startsWith('slack:') ? `\n${mention(post.requester)}` : '';
  if (body.length + tag.length <= THREAD_TEXT_MAX) return { text: body + tag };
  // The head of the report (status and steps), then the file with every line.
  const head: string[] = [];
  for (const line of post.lines) {
    if (line.includes(' → ') || esc([...head, line].join('\n')).length > THREAD_TEXT_MAX / 2) break;
    head.push(line);
  }
  const id = /T-[0-9A-Z]{8}/.exec(post.lines[0] ?? '')?.[0] ?? 'task';
  const text = `${post.plain ? esc(head.join('\n')) : head.join('\n')}\nThe full report (${post.lines.length} lines) is in the file below.${tag}`;
  return { text, file: { name: `${id}-report.txt`, content: post.lines.join('\n') + '\n' } };
}
