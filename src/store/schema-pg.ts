import { pgTable, text, bigint, bigserial, primaryKey, index } from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL twin of schema.ts (DATABASE_URL): the same tables, columns and keys; integers are
 * bigint read as numbers (ms timestamps, byte counts). test/store-schema.test.ts keeps the two equal.
 * Change both, then `npx drizzle-kit generate --config drizzle.pg.config.ts` writes the next migration.
 */

export const tasks = pgTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    status: text('status').notNull(),
    requester: text('requester').notNull(),
    /** Lower-cased source login: with the task ID it lets others follow the task. */
    sourceLogin: text('source_login').notNull(),
    /** AccountEndpoint as JSON (never a password). */
    source: text('source').notNull(),
    destination: text('destination').notNull(),
    items: text('items').notNull(),
    notify: text('notify'),
    /** MigrationOptions as JSON (date range, folders, size cap, order), or null for none. */
    options: text('options'),
    cancelRequestedAt: bigint('cancel_requested_at', { mode: 'number' }),
    cancelledBy: text('cancelled_by'),
    error: text('error'),
    /** The end status before a rollback, restored when the rollback fails. */
    endStatus: text('end_status'),
    rollbackError: text('rollback_error'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    startedAt: bigint('started_at', { mode: 'number' }),
    endedAt: bigint('ended_at', { mode: 'number' }),
    rollbackUntil: bigint('rollback_until', { mode: 'number' }),
    /** Set when the rollback window closed and the journal and credentials were purged. */
    purgedAt: bigint('purged_at', { mode: 'number' }),
    /**
     * The run lease: one run (migration or rollback) at a time writes for a task. Each run takes a
     * new generation; a run whose generation changed, or whose lease ran out unrenewed, stops.
     */
    lease: bigint('lease', { mode: 'number' }).notNull().default(0),
    leaseHolder: text('lease_holder'),
    leaseUntil: bigint('lease_until', { mode: 'number' }),
    /**
     * Waiting out a server that is unreachable or busy: since when (reset when a run makes
     * progress), why (the error, naming the side and server), when the next try is, and how many
     * tries in a row have failed.
     */
    waitingSince: bigint('waiting_since', { mode: 'number' }),
    waitingFor: text('waiting_for'),
    nextTryAt: bigint('next_try_at', { mode: 'number' }),
    retries: bigint('retries', { mode: 'number' }).notNull().default(0),
  },
  (t) => [index('tasks_requester').on(t.requester), index('tasks_status').on(t.status)],
);

export const steps = pgTable(
  'steps',
  {
    taskId: text('task_id').notNull(),
    kind: text('kind').notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    status: text('status').notNull(),
    total: bigint('total', { mode: 'number' }).notNull().default(0),
    copied: bigint('copied', { mode: 'number' }).notNull().default(0),
    alreadyPresent: bigint('already_present', { mode: 'number' }).notNull().default(0),
    failed: bigint('failed', { mode: 'number' }).notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    /** Bytes the step has to move (what is known to need copying, plus an estimate for folders not scanned yet): the ETA's base. */
    totalBytes: bigint('total_bytes', { mode: 'number' }).notNull().default(0),
    startedAt: bigint('started_at', { mode: 'number' }),
    endedAt: bigint('ended_at', { mode: 'number' }),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.kind] })],
);

/** Per-folder verification report of the e-mail step. */
export const folderReports = pgTable(
  'folder_reports',
  {
    taskId: text('task_id').notNull(),
    sourceFolder: text('source_folder').notNull(),
    destinationFolder: text('destination_folder').notNull(),
    status: text('status').notNull(),
    sourceCount: bigint('source_count', { mode: 'number' }).notNull().default(0),
    copied: bigint('copied', { mode: 'number' }).notNull().default(0),
    alreadyPresent: bigint('already_present', { mode: 'number' }).notNull().default(0),
    failed: bigint('failed', { mode: 'number' }).notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    destinationCount: bigint('destination_count', { mode: 'number' }),
    note: text('note'),
    warning: text('warning'),
    /** Why items failed, in the servers' words: JSON [{ reason, count }]. */
    failures: text('failures'),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.sourceFolder] })],
);

/**
 * The journal: what a task created at the destination (folders, messages, items) and what it
 * replaced (snapshots), one row each. A row without `ref` is an intent, written before the write,
 * so a worker that dies between the write and its answer can still find and claim the item.
 */
export const journal = pgTable(
  'journal',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    taskId: text('task_id').notNull(),
    /** folder, message, contact, group, event, task, snapshot ("item": a contact, group, event or task of an older version). */
    kind: text('kind').notNull(),
    /** The destination folder's path (a folder's own; a snapshot's name). */
    folder: text('folder').notNull(),
    /** How the entry is recognised: a message's dedupe key, an item's stamp, a folder's family, a snapshot's name. */
    key: text('entry_key'),
    /** The destination's id: IMAP UID, Exchange ItemId or FolderId, a folder's path. Null for an intent. */
    ref: text('ref'),
    /** What `ref` is valid for (IMAP UIDVALIDITY); null or "" when ids never change. */
    scope: text('scope'),
    /** An intent's lowest possible position (IMAP UIDNEXT before the write). */
    watermark: bigint('watermark', { mode: 'number' }),
    /** A snapshot's content (JSON). */
    payload: text('payload'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('journal_task_folder').on(t.taskId, t.folder)],
);

export const credentials = pgTable(
  'credentials',
  {
    taskId: text('task_id').notNull(),
    side: text('side').notNull(),
    /** AES-256-GCM: iv, tag and ciphertext, base64. */
    iv: text('iv').notNull(),
    tag: text('tag').notNull(),
    ciphertext: text('ciphertext').notNull(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.side] })],
);

/**
 * OAuth2 sign-ins, one per account (issuer, client, user): the refresh token, sealed by the vault
 * with the account's key as associated data. Kept until signed out or replaced.
 */
export const signIns = pgTable('sign_ins', {
  account: text('account').primaryKey(),
  iv: text('iv').notNull(),
  tag: text('tag').notNull(),
  ciphertext: text('ciphertext').notNull(),
  /** The scopes granted, as the issuer said them. */
  scope: text('scope'),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/**
 * App-only OAuth2 access (client credentials) per mail domain, for an administrator moving many
 * mailboxes of one tenant: the issuer, the client and its secret (sealed by the vault).
 */
export const oauthApps = pgTable('oauth_apps', {
  domain: text('domain').primaryKey(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  scope: text('scope'),
  /** What the sealed text is: a client secret, a certificate's key (Microsoft), a service account's key (Google). */
  credentialKind: text('credential_kind').notNull().default('secret'),
  iv: text('iv').notNull(),
  tag: text('tag').notNull(),
  ciphertext: text('ciphertext').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

export const audit = pgTable(
  'audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    taskId: text('task_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    detail: text('detail'),
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [index('audit_task').on(t.taskId)],
);

/**
 * Where a task's status card lives on a chat surface, so a restarted bot (or a worker in another
 * process) keeps editing the same card and thread.
 */
export const taskMessages = pgTable(
  'task_messages',
  {
    taskId: text('task_id').notNull(),
    surface: text('surface').notNull(),
    channel: text('channel').notNull(),
    messageId: text('message_id').notNull(),
    threadId: text('thread_id'),
    /** Step and task states the thread has already been told about (JSON), to post each milestone once. */
    announced: text('announced'),
    finalPostedAt: bigint('final_posted_at', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.surface] })],
);

/**
 * Where the last pass over a folder left both sides (issue 21, instant re-runs): per source and
 * destination account (`pair`) and source folder, the folder's state on each side (UIDVALIDITY,
 * UIDNEXT, HIGHESTMODSEQ, message count) and every message's source ref, destination id, dedupe
 * key and flags (JSON). A later migration between the same accounts reads only what changed since.
 */
export const folderSync = pgTable(
  'folder_sync',
  {
    pair: text('pair').notNull(),
    sourceFolder: text('source_folder').notNull(),
    destinationFolder: text('destination_folder').notNull(),
    state: text('state').notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.pair, t.sourceFolder] })],
);

// Batches live in their own file (see schema-batches-pg.ts).
export * from './schema-batches-pg';

/**
 * Items a task could not copy (issue 17): each with its category, the server's own words
 * (bounded, secrets taken out) and where it is (folder, date, subject, source id). A row with
 * `count` above 1 stands for items never tried one by one (a folder refused, a task stopped).
 * Replaced by the next pass (a retry); kept, like the folder reports, after the rollback window.
 */
export const failedItems = pgTable(
  'failed_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    taskId: text('task_id').notNull(),
    /** The item kind (emails, contacts…). */
    kind: text('kind').notNull(),
    /** too_large, refused, malformed, throttled, sign_in, network (see src/failure-category.ts). */
    category: text('category').notNull(),
    reason: text('reason').notNull(),
    folder: text('folder').notNull(),
    itemDate: bigint('item_date', { mode: 'number' }),
    subject: text('subject'),
    /** The source's id of the item (IMAP UID, Exchange ItemId…). */
    itemRef: text('item_ref'),
    count: bigint('count', { mode: 'number' }).notNull().default(1),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('failed_items_task').on(t.taskId)],
);
