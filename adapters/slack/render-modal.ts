import type { KnownBlock, View, PlainTextOption } from './block-kit';
import { ITEM_CHOICES, PASSWORD_HINT, SERVER_TYPES, SIGN_IN_CHOICES, type AccountFields, type MigrateFormValues, type Side } from '../../commands/migrate-form';
import type { TaskView } from '../../src/task';
import { esc } from './mrkdwn';
import { accountLabel } from '../../commands/views';
import type { PlanCard } from '../../commands/plan-view';
import type { OptionsInput } from '../../src/options';

/**
 * The /migrate modal. Block IDs are the form's field names ("source.host"), so the command's
 * field errors map straight onto them. Passwords are never put back into a view.
 */
export const MIGRATE_CALLBACK = 'tern_migrate';
export const IMPORT_CALLBACK = 'tern_import_pst';

export interface ModalMetadata {
  channel: string;
  /** For a PST import: the Slack file, and its name (to answer before asking Slack about it). */
  fileId?: string;
  fileName?: string;
  /**
   * Bumped when Detect settings fills the form: Slack keeps what was typed in an input whose
   * block ID did not change, so filled fields get new block IDs ("source.host~1").
   */
  revision?: number;
}

export const DETECT_ACTION = 'tern_detect';
/** "Check first": the plan of what the form would do, on a card with Start and Cancel. */
export const CHECK_ACTION = 'tern_check_first';
export const PLAN_CALLBACK = 'tern_plan';

/** "source.host~2" → "source.host": the form's field name of a block. */
export const fieldOfBlock = (blockId: string) => blockId.split('~')[0];


const option = (value: string | undefined, label: string): PlainTextOption => ({ value: value ?? "", text: { type: 'plain_text', text: label } });

function input(blockId: string, label: string, opts: { initial?: string; hint?: string; optional?: boolean; placeholder?: string } = {}): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: opts.optional ?? false,
    label: { type: 'plain_text', text: label },
    ...(opts.hint ? { hint: { type: 'plain_text', text: opts.hint } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      ...(opts.initial ? { initial_value: opts.initial } : {}),
      ...(opts.placeholder ? { placeholder: { type: 'plain_text', text: opts.placeholder } } : {}),
    },
  };
}

function accountBlocks(side: Side, f: AccountFields, errors: Record<string, string>, revision = 0, said?: string, detectButton = true): KnownBlock[] {
  // The password block keeps its ID, so a typed password survives a Detect settings (it is never sent back).
  const id = (field: string) => (revision ? `${side}.${field}~${revision}` : `${side}.${field}`);
  const title = side === 'source' ? 'Source account' : 'Destination account';
  const type = SERVER_TYPES.find((t) => t.value === (f.type ?? 'auto')) ?? SERVER_TYPES[0];
  const flags = [option('tls', 'TLS from the start (IMAPS/POP3S; otherwise STARTTLS)'), option('insecure', 'Accept a self-signed certificate')];
  const initialFlags = flags.filter((o) => (o.value === 'tls' ? f.tls !== false : Boolean(f.insecure)));
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title } },
    {
      type: 'input',
      block_id: id('type'),
      label: { type: 'plain_text', text: 'Server type' },
      element: { type: 'static_select', action_id: 'value', options: SERVER_TYPES.map((t) => option(t.value, t.label)), initial_option: option(type.value, type.label) },
    },
    input(id('login'), 'E-mail address or login', { initial: f.login, placeholder: 'alice@example.com' }),
    ...(detectButton
      ? [
          {
            type: 'actions',
            block_id: `${side}.detect`,
            elements: [{ type: 'button', action_id: DETECT_ACTION, value: side, text: { type: 'plain_text', text: 'Detect settings' } }],
          } as KnownBlock,
        ]
      : []),
    ...(said ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: esc(said) }] } as KnownBlock] : []),
    ...signInBlocks(id, f),
    input(`${side}.password`, 'Password', { hint: `${PASSWORD_HINT} Leave it empty when signing in with a provider.`, optional: true }),
    input(id('host'), 'Server', { initial: f.host, optional: true, placeholder: 'imap.example.com', hint: 'Empty with Autodetect (found from the address) and with Microsoft 365. Exchange: the EWS URL, or empty for Autodiscover.' }),
    input(id('port'), 'Port', { initial: f.port, optional: true, hint: 'Leave empty for the usual port (993 / 143, 995 / 110).' }),
    input(id('dav'), 'Calendars and contacts server (CalDAV/CardDAV)', { initial: f.dav, optional: true, placeholder: 'auto, dav.example.com or https://dav.example.com/dav/', hint: 'Only when they are not on the mail server (iCloud, Fastmail, Nextcloud…). Same login and password. "auto" finds it from the address.' }),
    {
      type: 'input',
      block_id: id('options'),
      optional: true,
      label: { type: 'plain_text', text: 'Security' },
      element: { type: 'checkboxes', action_id: 'value', options: flags, ...(initialFlags.length ? { initial_options: initialFlags } : {}) },
    },
  ];
  return withErrors(blocks, errors);
}

/** The sign-in choice: a password, or OAuth2 at Microsoft, Google or another provider (its address and Tern's client id there). */
function signInBlocks(id: (field: string) => string, f: AccountFields): KnownBlock[] {
  const chosen = SIGN_IN_CHOICES.find((c) => c.value === (f.signIn ?? 'password')) ?? SIGN_IN_CHOICES[0];
  return [
    {
      type: 'input',
      block_id: id('signIn'),
      label: { type: 'plain_text', text: 'Sign in with' },
      hint: { type: 'plain_text', text: 'With a provider, Tern sends you a link and a code privately; the migration starts once you have signed in.' },
      element: { type: 'static_select', action_id: 'value', options: SIGN_IN_CHOICES.map((c) => option(c.value, c.label)), initial_option: option(chosen.value, chosen.label) },
    },
    input(id('issuer'), 'Other provider: its address', { initial: f.issuer, optional: true, placeholder: 'https://login.example.com' }),
    input(id('clientId'), 'Other provider: client id', { initial: f.clientId, optional: true, hint: 'The application registered there for Tern.' }),
    input(id('scope'), 'Other provider: scopes', { initial: f.scope, optional: true, hint: 'Optional; the mail access scope your servers want, e.g. "openid offline_access mail".' }),
  ];
}

/** Errors after the slow account check can't use Slack's field errors: a warning under each field. */
function withErrors(blocks: KnownBlock[], errors: Record<string, string>): KnownBlock[] {
  return blocks.flatMap((b) => {
    const id = 'block_id' in b ? b.block_id : undefined;
    const message = id && errors[fieldOfBlock(id)];
    return message ? [b, { type: 'context', elements: [{ type: 'mrkdwn', text: `:warning: ${esc(message)}` }] } as KnownBlock] : [b];
  });
}

export function migrateModal(meta: ModalMetadata, values?: Partial<MigrateFormValues>, errors: Record<string, string> = {}, said: Partial<Record<Side, string>> = {}): View {
  const items = new Set(values?.items ?? ['emails']);
  const itemOptions = ITEM_CHOICES.map((c) => option(c.value, c.label));
  const blocks: KnownBlock[] = [
    ...(Object.keys(errors).length ? [{ type: 'section', text: { type: 'mrkdwn', text: ':warning: Please fix the fields marked below and type the passwords again.' } } as KnownBlock] : []),
    ...accountBlocks('source', values?.source ?? {}, errors, meta.revision, said.source),
    ...accountBlocks('destination', values?.destination ?? {}, errors, meta.revision, said.destination),
    ...itemsAndNotify(itemOptions.filter((o) => items.has(o.value ?? "")), itemOptions, values?.notify, errors),
    ...optionBlocks(values?.options ?? {}, errors),
    { type: 'actions', block_id: 'check', elements: [{ type: 'button', action_id: CHECK_ACTION, value: 'check', text: { type: 'plain_text', text: 'Check first' } }] },
    { type: 'context', elements: [{ type: 'mrkdwn', text: '*Check first* logs in to both accounts and shows what would be copied (sizes, quota, time) without writing anything; Start goes ahead at once.' }] },
  ];
  return {
    type: 'modal',
    callback_id: MIGRATE_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: 'Migrate a mailbox' },
    submit: { type: 'plain_text', text: 'Start' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

function itemsAndNotify(initial: PlainTextOption[], all: PlainTextOption[], notify: string | undefined, errors: Record<string, string>): KnownBlock[] {
  return withErrors(
    [
      { type: 'header', text: { type: 'plain_text', text: 'What to move' } },
      {
        type: 'input',
        block_id: 'items',
        label: { type: 'plain_text', text: 'Items' },
        element: { type: 'checkboxes', action_id: 'value', options: all, ...(initial.length ? { initial_options: initial } : {}) },
      },
      input('notify', 'Notify this e-mail address when it ends', { initial: notify, optional: true }),
    ],
    errors,
  );
}

/** Said in both chat forms: the options choose messages; other kinds move whole. */
const OPTIONS_SCOPE = 'These choose *e-mails* only: contacts, calendars, tasks and the rest move whole.';

/** Date range, folders, newest first, size cap: all optional. */
function optionBlocks(o: OptionsInput, errors: Record<string, string>): KnownBlock[] {
  const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);
  const newest = option('newestFirst', "Newest first (this month's mail arrives first)");
  return withErrors(
    [
      { type: 'header', text: { type: 'plain_text', text: 'Options' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: OPTIONS_SCOPE } ] },
      input('options.since', 'Received on or after (YYYY-MM-DD)', { initial: o.since, optional: true, placeholder: '2024-01-01' }),
      input('options.before', 'Received before (YYYY-MM-DD)', { initial: o.before, optional: true }),
      input('options.folders', 'Only these folders (comma-separated, / between levels)', { initial: list(o.folders), optional: true, placeholder: 'INBOX, Projects/2024' }),
      input('options.excludeFolders', 'Not these folders', { initial: list(o.excludeFolders), optional: true, placeholder: 'Spam, Trash' }),
      input('options.maxSize', 'Leave out messages larger than', { initial: o.maxSize, optional: true, placeholder: '25MB' }),
      {
        type: 'input',
        block_id: 'options.newestFirst',
        optional: true,
        label: { type: 'plain_text', text: 'Order' },
        element: { type: 'checkboxes', action_id: 'value', options: [newest], ...(o.newestFirst ? { initial_options: [newest] } : {}) },
      },
    ],
    errors,
  );
}

/** The plan card: what the form would do, with Start (the modal's submit) and Cancel (its close). */
export function planModal(meta: ModalMetadata & { planId: string }, card: PlanCard): View {
  const lines = (items: string[]) => items.map((l) => `• ${esc(l)}`).join('\n');
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${esc(card.source)}* → *${esc(card.destination)}*\n${esc(card.summary)}` } },
    ...(card.facts.length ? [{ type: 'section', text: { type: 'mrkdwn', text: lines(card.facts) } } as KnownBlock] : []),
    ...(card.lines.length ? [{ type: 'section', text: { type: 'mrkdwn', text: lines(card.lines).slice(0, 2900) } } as KnownBlock] : []),
    ...card.warnings.map((w) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: `:warning: ${esc(w)}` }] }) as KnownBlock),
  ];
  return {
    type: 'modal',
    callback_id: PLAN_CALLBACK,
    private_metadata: JSON.stringify(meta),
    notify_on_close: true,
    title: { type: 'plain_text', text: card.title },
    submit: { type: 'plain_text', text: 'Start' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** The PST import form: a destination account, what to move and the same options as a migration. */
export function importModal(meta: ModalMetadata, fileName: string, values?: Partial<MigrateFormValues>, errors: Record<string, string> = {}): View {
  const items = new Set(values?.items ?? ['emails']);
  const itemOptions = ITEM_CHOICES.map((c) => option(c.value, c.label));
  return {
    type: 'modal',
    callback_id: IMPORT_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: 'Import a PST file' },
    submit: { type: 'plain_text', text: 'Import' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Import *${esc(fileName)}* into:` } },
      ...(Object.keys(errors).length && errors.file ? [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${errors.file}` } } as KnownBlock] : []),
      ...accountBlocks('destination', values?.destination ?? {}, errors, meta.revision, undefined, false),
      ...itemsAndNotify(itemOptions.filter((o) => items.has(o.value ?? "")), itemOptions, values?.notify, errors),
      ...optionBlocks(values?.options ?? {}, errors),
    ],
  };
}

export function messageModal(title: string, text: string): View {
  return { type: 'modal', title: { type: 'plain_text', text: title }, close: { type: 'plain_text', text: 'Close' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function checkingModal(): View {
  return messageModal('Migrate a mailbox', ':hourglass_flowing_sand: Checking the accounts… (logging in to both servers)');
}

/** `where`: a sentence in mrkdwn (made by the adapter) when the card is not in the channel. */
export function createdModal(task: TaskView, where?: string): View {
  const follow = where ?? 'the status card in the channel follows it';
  return messageModal(
    'Migration started',
    `:white_check_mark: Task *\`${task.id}\`* is queued: ${esc(accountLabel(task.sourceEndpoint))} → ${esc(accountLabel(task.destinationEndpoint))}.\nNote the task ID: ${where ? `${follow}\n` : `${follow}, and `}\`/migrate status ${task.id} &lt;source-email&gt;\` shows it anywhere.`,
  );
}

/** Reads the submitted values back into the form's shape. */
export function formValues(raw: Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_options?: Array<{ value: string }> }>>): MigrateFormValues {
  const state = Object.fromEntries(Object.entries(raw).map(([blockId, v]) => [fieldOfBlock(blockId), v]));
  const text = (id: string) => state[id]?.value?.value ?? undefined;
  const side = (s: Side): AccountFields => {
    const flags = new Set((state[`${s}.options`]?.value?.selected_options ?? []).map((o) => o.value));
    return {
      type: state[`${s}.type`]?.value?.selected_option?.value,
      login: text(`${s}.login`),
      password: text(`${s}.password`),
      host: text(`${s}.host`),
      port: text(`${s}.port`),
      dav: text(`${s}.dav`),
      signIn: state[`${s}.signIn`]?.value?.selected_option?.value,
      issuer: text(`${s}.issuer`),
      clientId: text(`${s}.clientId`),
      scope: text(`${s}.scope`),
      tls: flags.has('tls'),
      insecure: flags.has('insecure'),
    };
  };
  return {
    source: side('source'),
    destination: side('destination'),
    items: (state.items?.value?.selected_options ?? []).map((o) => o.value),
    notify: text('notify'),
    options: {
      since: text('options.since'),
      before: text('options.before'),
      folders: text('options.folders'),
      excludeFolders: text('options.excludeFolders'),
      maxSize: text('options.maxSize'),
      newestFirst: (state['options.newestFirst']?.value?.selected_options ?? []).length > 0,
    },
  };
}

/** The same values without the passwords, for a view sent back to Slack. */
export function withoutPasswords(v: MigrateFormValues): MigrateFormValues {
  return { ...v, source: { ...v.source, password: undefined }, destination: { ...v.destination, password: undefined } };
}
