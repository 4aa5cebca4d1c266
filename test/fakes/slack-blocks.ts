/**
 * What Slack checks in a message's blocks before it accepts chat.postMessage / chat.update, and
 * who a message notifies. Limits from https://api.slack.com/reference/block-kit/blocks and
 * .../composition-objects; a breach is answered `invalid_blocks` with `[ERROR] …` messages.
 */

// Blocks are whatever the caller sent.
type Json = any;

export const BLOCK_LIMITS = {
  messageBlocks: 50,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  headerText: 150,
  contextElements: 10,
  actionElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  confirmText: 300,
  /** A message's top-level text (Slack truncates past 40,000; we count it as refused). */
  messageText: 40_000,
};

export function blockProblems(blocks: unknown, text?: unknown): string[] {
  const problems: string[] = [];
  const over = (value: unknown, max: number, pointer: string) => {
    if (typeof value === 'string' && value.length > max) problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}]`);
  };
  over(text, BLOCK_LIMITS.messageText, '/text');
  if (blocks === undefined) return problems;
  if (!Array.isArray(blocks)) return ['[ERROR] blocks must be an array [json-pointer:/blocks]'];
  if (blocks.length > BLOCK_LIMITS.messageBlocks) problems.push(`[ERROR] no more than ${BLOCK_LIMITS.messageBlocks} items allowed [json-pointer:/blocks]`);
  blocks.forEach((b: Json, i: number) => {
    const at = `/blocks/${i}`;
    if (b?.type === 'section') {
      if (!b.text && !b.fields) problems.push(`[ERROR] must provide text or fields [json-pointer:${at}]`);
      over(b.text?.text, BLOCK_LIMITS.sectionText, `${at}/text/text`);
      if (Array.isArray(b.fields)) {
        if (b.fields.length > BLOCK_LIMITS.sectionFields) problems.push(`[ERROR] no more than ${BLOCK_LIMITS.sectionFields} items allowed [json-pointer:${at}/fields]`);
        b.fields.forEach((f: Json, j: number) => over(f?.text, BLOCK_LIMITS.sectionField, `${at}/fields/${j}/text`));
      }
    } else if (b?.type === 'header') {
      over(b.text?.text, BLOCK_LIMITS.headerText, `${at}/text/text`);
    } else if (b?.type === 'context') {
      if ((b.elements?.length ?? 0) > BLOCK_LIMITS.contextElements) problems.push(`[ERROR] no more than ${BLOCK_LIMITS.contextElements} items allowed [json-pointer:${at}/elements]`);
      (b.elements ?? []).forEach((e: Json, j: number) => over(e?.text, BLOCK_LIMITS.sectionText, `${at}/elements/${j}/text`));
    } else if (b?.type === 'actions') {
      if ((b.elements?.length ?? 0) > BLOCK_LIMITS.actionElements) problems.push(`[ERROR] no more than ${BLOCK_LIMITS.actionElements} items allowed [json-pointer:${at}/elements]`);
      (b.elements ?? []).forEach((e: Json, j: number) => elementProblems(e, `${at}/elements/${j}`, over));
    }
  });
  return problems;
}

function elementProblems(e: Json, at: string, over: (v: unknown, max: number, p: string) => void): void {
  if (e?.type === 'button') {
    over(e.text?.text, BLOCK_LIMITS.buttonText, `${at}/text/text`);
    over(e.value, BLOCK_LIMITS.buttonValue, `${at}/value`);
    over(e.confirm?.text?.text, BLOCK_LIMITS.confirmText, `${at}/confirm/text/text`);
  }
  for (const [k, o] of (e?.options ?? []).entries()) {
    over(o?.text?.text, BLOCK_LIMITS.optionText, `${at}/options/${k}/text/text`);
    over(o?.value, BLOCK_LIMITS.optionValue, `${at}/options/${k}/value`);
  }
}

/**
 * The people and groups a message notifies: Slack turns `<@U…>`, `<!channel>`, `<!here>`,
 * `<!everyone>` and `<!subteam^…>` in its text and mrkdwn into mentions. `&lt;!channel&gt;` is text.
 */
export function mentionsIn(text: unknown, blocks: unknown): string[] {
  const texts: string[] = typeof text === 'string' ? [text] : [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    if (v.type === 'mrkdwn' && typeof v.text === 'string') texts.push(v.text);
    for (const child of Object.values(v)) if (child && typeof child === 'object') walk(child);
  };
  walk(blocks);
  const found = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(/<(@[UW][A-Z0-9]+|!channel|!here|!everyone|!subteam\^[A-Z0-9]+)(\|[^>]*)?>/g)) found.add(m[1]);
  return [...found];
}
