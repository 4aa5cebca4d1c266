import { ButtonStyle, ComponentType, TextInputStyle, type APIEmbed, type APIActionRowComponent, type APIButtonComponent, type APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { waitingNote, type StatusCard } from '../../commands/views';
import { clip, fitLines } from '../cards/fit';
import { md, person } from './markdown';
import { describeOptions, optionsScopeNote, parseOptions } from '../../src/options';
import { ITEM_KINDS, type ItemKind } from '../../src/items';

/** The form's options in words, or none while they do not parse (the problems list says why). */
const safeOptions = (v: MigrateFormValues) => {
  try {
    return parseOptions(v.options);
  } catch {
    return undefined;
  }
};
import { ITEM_CHOICES, SERVER_TYPES, SIGN_IN_CHOICES, type AccountFields, type MigrateFormValues, type Side } from '../../commands/migrate-form';

/** Custom IDs: "tern:<verb>:<task or form id>[:<step>]", well under Discord's 100 characters. */
export const id = (...parts: string[]) => ['tern', ...parts].join(':');

const STATE_ICONS: Record<string, string> = { pending: '⏳', running: '🔄', done: '✅', skipped: '⏭', failed: '❌', cancelled: '⏹' };
const COLORS: Record<string, number> = { completed: 0x2eb67d, failed: 0xe01e5a, cancelled: 0x9e9e9e, rolled_back: 0x9e9e9e };

export const mention = (requester: string) => (requester.startsWith('discord:') ? `<@${requester.slice('discord:'.length)}>` : md(requester.replace(/^\w+:/, '')));

/** A Discord timestamp (`<t:…>`): each reader sees it in their own time zone. */
export const stamp = (iso: string, style: 'f' | 't' | 'R' = 'f') => `<t:${Math.floor(Date.parse(iso) / 1000)}:${style}>`;

/** Embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits), with room for our own words. */
const EMBED = { fieldValue: 1024, account: 300, notes: 1024 };

/** The status card as an embed and a button row. Text from users and servers is escaped and bounded. */
export function cardMessage(card: StatusCard): { embeds: APIEmbed[]; components: Array<APIActionRowComponent<APIButtonComponent>> } {
  const p = card.progress;
  const who = (by: string) => (by.startsWith('discord:') ? mention(by) : person(by));
  const cancel =
    (card.cancel ? `\nCancel asked by ${who(card.cancel.by)}${card.cancel.at ? ` at ${stamp(card.cancel.at, 't')}` : ''}` : '') +
    (card.rollbackUntil ? `\nRollback possible until ${stamp(card.rollbackUntil, 'f')}` : '') +
    (card.rollback ? `\nRollback asked by ${who(card.rollback.by)} at ${stamp(card.rollback.at, 't')}` : '');
  const notes = card.notes.map((n) => md(clip(n, 400)));
  if (card.waiting) notes.unshift(waitingNote({ ...card.waiting, reason: md(clip(card.waiting.reason, 400)) }, (at) => stamp(at, 't')));
  const embed: APIEmbed = {
    title: `Migration ${card.taskId}`,
    description: `**Task ID: \`${card.taskId}\`** — ${md(card.headline)}\n\`${p.bar}\` **${p.percent}%** · ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} items${p.throughput ? ` · ${p.throughput}` : ''}${p.eta ? ` · ETA ${p.eta}` : ''}${cancel}`,
    color: COLORS[card.status] ?? 0x4a90d9,
    fields: [
      { name: 'From', value: md(clip(card.source, EMBED.account)), inline: true },
      { name: 'To', value: md(clip(card.destination, EMBED.account)), inline: true },
      { name: 'Started by', value: `${mention(card.requester)} ${stamp(card.createdAt, 'f')}`, inline: true },
      ...card.steps.map((s) => ({ name: `${STATE_ICONS[s.state] ?? ''} ${s.label} — ${s.state}`, value: clip(md(s.counters), EMBED.fieldValue) || '—' })),
      ...(notes.length ? [{ name: 'Notes', value: fitLines(notes, EMBED.notes, (n) => `…and ${n} more: the final report has them all.`) }] : []),
    ],
    // Discord shows an embed's timestamp in each reader's own time zone.
    footer: { text: 'Last update' },
    timestamp: card.updatedAt,
  };
  // Rollback asks first: its button opens a confirmation, "rollback-yes" does it.
  const buttons = card.buttons.map((b) => button(id(b.action, card.taskId), b.label, b.style === 'danger' ? ButtonStyle.Danger : b.style === 'primary' ? ButtonStyle.Primary : ButtonStyle.Secondary));
  return { embeds: [embed], components: buttons.length ? [{ type: ComponentType.ActionRow, components: buttons }] : [] };
}


export const label = (text: string, description: string | undefined, component: object) => ({ type: ComponentType.Label, label: text, ...(description ? { description } : {}), component });
export const textInput = (customId: string, opts: { value?: string; required?: boolean; placeholder?: string; long?: boolean } = {}) => ({
  type: ComponentType.TextInput,
  custom_id: customId,
  style: opts.long ? TextInputStyle.Paragraph : TextInputStyle.Short,
  required: opts.required ?? true,
  ...(opts.value ? { value: opts.value } : {}),
  ...(opts.placeholder ? { placeholder: opts.placeholder } : {}),
});

/** One account per modal: server type, login, password, server, port (Discord's five components). */
export function accountModal(formId: string, side: Side, f: AccountFields): APIModalInteractionResponseCallbackData {
  const type = f.type ?? 'auto';
  return {
    custom_id: id('form', formId, side),
    title: side === 'source' ? 'Source account (1/3)' : 'Destination account (2/3)',
    components: [
      label('Server type', 'Autodetect finds the server from the address', {
        type: ComponentType.StringSelect,
        custom_id: 'type',
        options: SERVER_TYPES.map((t) => ({ label: t.label, value: t.value, default: t.value === type })),
      }),
      label('E-mail address or login', undefined, textInput('login', { value: f.login, placeholder: 'alice@example.com' })),
      // Discord cannot mask an input either: say so, and never echo it back.
      // Empty when the account signs in with a provider (the confirm step's "sign-in…" buttons).
      label('Password', 'Chat cannot hide it: not masked, prefer an app password. Empty to sign in with a provider.', textInput('password', { required: false })),
      label('Server', 'Empty with Autodetect and Microsoft 365; Exchange: EWS URL or empty', textInput('host', { value: f.host, required: false, placeholder: 'imap.example.com' })),
      label('Port', 'Empty for the usual port; add "+plain" for STARTTLS, e.g. 143+plain', textInput('port', { value: portText(f), required: false })),
    ],
  } as unknown as APIModalInteractionResponseCallbackData;
}

const portText = (f: AccountFields) => (f.port ? `${f.port}${f.tls === false ? '+plain' : ''}` : f.tls === false ? '+plain' : '');

/** Reads an account modal back; the port field also carries the TLS choice ("143+plain"). */
export function accountFields(read: (id: string) => string | undefined, readSelect: (id: string) => string[]): AccountFields {
  const port = (read('port') ?? '').trim();
  const plain = /\+plain$/i.test(port);
  return {
    type: readSelect('type')[0] ?? 'auto',
    login: read('login')?.trim(),
    password: read('password') || undefined,
    host: read('host')?.trim() || undefined,
    port: port.replace(/\+plain$/i, '').trim() || undefined,
    tls: !plain,
  };
}

/** How a side signs in (Discord modals hold five fields, so this is its own small modal, opened from the confirm step). */
export function signInModal(formId: string, side: Side, f: AccountFields): APIModalInteractionResponseCallbackData {
  const chosen = f.signIn ?? 'password';
  return {
    custom_id: id('form', formId, `signin-${side}`),
    title: side === 'source' ? 'Source sign-in' : 'Destination sign-in',
    components: [
      label('Sign in with', 'With a provider, Tern sends you a link and a code privately', {
        type: ComponentType.StringSelect,
        custom_id: 'signIn',
        options: SIGN_IN_CHOICES.map((c) => ({ label: c.label, value: c.value, default: c.value === chosen })),
      }),
      label('Other provider: its address', 'Only for another provider', textInput('issuer', { value: f.issuer, required: false, placeholder: 'https://login.example.com' })),
      label('Other provider: client id', 'The application registered there for Tern', textInput('clientId', { value: f.clientId, required: false })),
      label('Other provider: scopes', 'Optional: the mail access scope your servers want', textInput('scope', { value: f.scope, required: false, placeholder: 'openid offline_access mail' })),
    ],
  } as unknown as APIModalInteractionResponseCallbackData;
}

const DAV_HINT = 'Optional: where calendars and contacts are, if not on the mail server (auto, a name or URL)';

export function itemsModal(formId: string, v: MigrateFormValues, pst = false): APIModalInteractionResponseCallbackData {
  return {
    custom_id: id('form', formId, 'items'),
    title: 'What to move (3/3)',
    components: [
      label('Items', 'Choose one or more', {
        type: ComponentType.StringSelect,
        custom_id: 'items',
        min_values: 1,
        max_values: ITEM_CHOICES.length,
        options: ITEM_CHOICES.map((c) => ({ label: c.label, value: c.value, default: v.items.includes(c.value) })),
      }),
      label('Notify this e-mail address when it ends', 'Optional', textInput('notify', { value: v.notify, required: false })),
      // The account modals are full (Discord allows five fields): the CalDAV/CardDAV servers ask here.
      ...(pst ? [] : [label('Source calendars & contacts server', DAV_HINT, textInput('source-dav', { value: v.source.dav, required: false, placeholder: 'auto' }))]),
      label('Destination calendars & contacts server', DAV_HINT, textInput('destination-dav', { value: v.destination.dav, required: false, placeholder: 'dav.example.com' })),
    ],
  } as unknown as APIModalInteractionResponseCallbackData;
}

export const button = (customId: string, text: string, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger = ButtonStyle.Secondary): APIButtonComponent => ({ type: ComponentType.Button, custom_id: customId, label: text, style });
export const row = (...buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent> => ({ type: ComponentType.ActionRow, components: buttons });

const sideLine = (f: AccountFields) => `${f.login ?? '?'} — ${f.type === 'auto' || !f.type ? 'Autodetect' : `${f.type.toUpperCase()} ${f.host ?? ''}${f.port ? `:${f.port}` : ''}${f.tls === false ? ' (STARTTLS)' : ''}`}${f.dav ? `; calendars and contacts: ${f.dav}` : ''}${signInWords(f)}`;
const signInWords = (f: AccountFields) => (!f.signIn || f.signIn === 'password' ? '' : `; ${f.signIn === 'other' ? `sign in at ${f.issuer ?? '?'}` : (SIGN_IN_CHOICES.find((c) => c.value === f.signIn)?.label.toLowerCase() ?? f.signIn)}`);

/** The confirm step's second row: the options, newest first, and (for a migration) the plan before starting. */
function optionsRow(formId: string, v: MigrateFormValues, offerPlan: boolean): APIActionRowComponent<APIButtonComponent> {
  const newest = v.options?.newestFirst;
  const check = offerPlan ? [button(id('form', formId, 'check'), 'Check first')] : [];
  return row(button(id('form', formId, 'open-options'), 'Options…'), button(id('form', formId, 'newest'), newest ? 'Newest first: on' : 'Newest first: off'), ...check);
}

/** The confirm step: everything but the passwords, with Start and Fix buttons (and, for a migration, Options and Check first). */
export function confirmMessage(formId: string, v: MigrateFormValues, problems: Record<string, string> = {}, detected: string[] = [], offerPlan = true): { content: string; components: Array<APIActionRowComponent<APIButtonComponent>> } {
  const lines = [
    `**Source:** ${sideLine(v.source)}`,
    `**Destination:** ${sideLine(v.destination)}`,
    `**Items:** ${v.items.join(', ')}`,
    ...(v.notify ? [`**Notify:** ${v.notify}`] : []),
    ...detected,
  ];
  const issues = Object.values(problems);
  const content = issues.length ? `:warning: Please fix:\n${issues.map((p) => `• ${p}`).join('\n')}\n\n${lines.join('\n')}` : `Ready to start:\n${lines.join('\n')}`;
  const fixes = [
    button(id('form', formId, 'fix-source'), 'Fix source'),
    button(id('form', formId, 'fix-destination'), 'Fix destination'),
    button(id('form', formId, 'fix-items'), 'Fix items'),
  ];
  const options = describeOptions(safeOptions(v));
  const scope = options.length ? optionsScopeNote(safeOptions(v), v.items.filter((k): k is ItemKind => (ITEM_KINDS as readonly string[]).includes(k))) : undefined;
  const shown = options.length ? `${content}\n**Options:** ${options.join(' · ')}${scope ? `\n${scope}` : ''}` : content;
  // How each side signs in (a PST import's destination takes a password, or is signed in already).
  // Options stay reachable when one of them is the problem; Check first only when all is well.
  const fixOptions = Object.keys(problems).some((k) => k.startsWith('options.'));
  const optionRows = !issues.length || fixOptions ? [optionsRow(formId, v, offerPlan && !issues.length)] : [];
  // A PST import has only a destination to sign in.
  const destinationSignIn = button(id('form', formId, 'signin-destination'), 'Destination sign-in…');
  const signIns = [offerPlan ? row(button(id('form', formId, 'signin-source'), 'Source sign-in…'), destinationSignIn) : row(destinationSignIn)];
  return { content: shown, components: [row(...(issues.length ? [] : [button(id('form', formId, 'start'), 'Start', ButtonStyle.Primary)]), ...fixes), ...optionRows, ...signIns] };
}
