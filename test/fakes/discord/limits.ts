/**
 * What Discord checks in a message body (https://discord.com/developers/docs/resources/message#create-message)
 * and who a message notifies under its `allowed_mentions`. A breach is a 400 with code 50035
 * "Invalid Form Body", as Discord answers.
 */

// Bodies are whatever the caller sent.
type Json = any;

export const MESSAGE_LIMITS = { content: 2000, embeds: 10, title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, embedTotal: 6000 };

export function messageProblems(body: Json): string[] {
  if (!body || typeof body !== 'object') return [];
  const problems: string[] = [];
  const over = (v: unknown, max: number, at: string) => {
    if (typeof v === 'string' && v.length > max) problems.push(`${at}: Must be ${max} or fewer in length.`);
  };
  over(body.content, MESSAGE_LIMITS.content, 'content');
  const embeds: Json[] = Array.isArray(body.embeds) ? body.embeds : [];
  if (embeds.length > MESSAGE_LIMITS.embeds) problems.push(`embeds: Must be ${MESSAGE_LIMITS.embeds} or fewer in length.`);
  let total = 0;
  embeds.forEach((e, i) => {
    over(e.title, MESSAGE_LIMITS.title, `embeds.${i}.title`);
    over(e.description, MESSAGE_LIMITS.description, `embeds.${i}.description`);
    over(e.footer?.text, MESSAGE_LIMITS.footer, `embeds.${i}.footer.text`);
    if ((e.fields?.length ?? 0) > MESSAGE_LIMITS.fields) problems.push(`embeds.${i}.fields: Must be ${MESSAGE_LIMITS.fields} or fewer in length.`);
    (e.fields ?? []).forEach((f: Json, j: number) => {
      over(f.name, MESSAGE_LIMITS.fieldName, `embeds.${i}.fields.${j}.name`);
      over(f.value, MESSAGE_LIMITS.fieldValue, `embeds.${i}.fields.${j}.value`);
      total += (f.name?.length ?? 0) + (f.value?.length ?? 0);
    });
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text?.length ?? 0);
  });
  if (total > MESSAGE_LIMITS.embedTotal) problems.push(`embeds: Embed size exceeds maximum size of ${MESSAGE_LIMITS.embedTotal}`);
  return problems;
}

/**
 * Who a message's content notifies: user mentions `<@id>`, role mentions `<@&id>`, `@everyone`
 * and `@here`, filtered by `allowed_mentions` (absent: everything parsed, as Discord does).
 * Embeds never notify.
 */
export function notified(content: unknown, allowed: Json): string[] {
  if (typeof content !== 'string') return [];
  const parse: string[] = allowed ? (allowed.parse ?? []) : ['users', 'roles', 'everyone'];
  const users: string[] = allowed?.users ?? [];
  const roles: string[] = allowed?.roles ?? [];
  const out = new Set<string>();
  for (const m of content.matchAll(/<@!?(\d+)>/g)) if (parse.includes('users') || users.includes(m[1])) out.add(`user:${m[1]}`);
  for (const m of content.matchAll(/<@&(\d+)>/g)) if (parse.includes('roles') || roles.includes(m[1])) out.add(`role:${m[1]}`);
  for (const m of content.matchAll(/@(everyone|here)\b/g)) if (parse.includes('everyone')) out.add(`@${m[1]}`);
  return [...out];
}
