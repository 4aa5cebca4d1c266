import { escapeMarkdown } from 'discord.js';

/**
 * Text from users and servers as Discord shows it: markdown escaped (discord.js's own escaper),
 * and `<@…>`, `<#…>`, `@everyone`, `@here` shown as text (allowed_mentions already stops pings;
 * this stops a folder name from looking like one).
 */
export function md(text: string): string {
  return escapeMarkdown(text).replace(/</g, '\\<').replace(/@(everyone|here)/g, '@\u200b$1');
}

/** A mention the adapter made itself (`<@123…>`); anything else is shown as text. */
export function person(label: string): string {
  return /^<@\d+>$/.test(label) ? label : md(label);
}

/** Only the requester may be notified, and only where the adapter mentions them. */
export const mentionsOnly = (userId?: string) => ({ parse: [] as [], ...(userId ? { users: [userId] } : {}) });
