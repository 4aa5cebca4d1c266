/**
 * Slack mrkdwn escaping (https://api.slack.com/reference/surfaces/formatting#escaping): `&`, `<`
 * and `>` become entities, so a folder named `<!channel>` is shown, not sent as a ping. Every
 * text from users or servers goes through `esc`; the adapter adds its own mentions afterwards.
 */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A mention the adapter made itself (`<@U…>`); anything else is shown as text. */
export function person(label: string): string {
  return /^<@[UW][A-Z0-9]+>$/.test(label) ? label : esc(label);
}

/** Escaped, then cut to `max` characters without leaving half an entity (`&am…`). */
export function escClip(text: string, max: number): string {
  const escaped = esc(text);
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}
