import type { ConnectionOptions } from 'bullmq';
import type { Config } from '../config';
import type { Logger } from '../log';
import { openStore, type Db } from '../store/db';
import { TaskStore } from '../store/tasks';
import { Journal } from '../store/journal';
import { Vault, loadSecretKey } from '../store/vault';
import { MessageRefs } from '../store/messages';
import { SignIns } from '../store/sign-ins';
import { OAuthApps } from '../store/oauth-apps';
import { lazyTokenSource } from '../auth/index';
import type { TokenSource } from '../ports/account';
import type { TaskQueue } from '../queue/queue';
import type { Mailer } from '../notify/mailer';
import { taskNotifier, type TaskNotifier } from '../notify/task-notifier';
import { systemNetwork, type Network } from '../connectors/autodetect/network';
import type { BlobStore } from '../blobs/store';

/** The long-lived pieces one process shares: store, vault, queue. */
export interface Runtime {
  config: Config;
  log: Logger;
  db: Db;
  tasks: TaskStore;
  journal: Journal;
  vault: Vault;
  messages: MessageRefs;
  /** OAuth2 sign-ins (refresh tokens sealed by the vault's key). */
  signIns: SignIns;
  /** App-only OAuth2 access per mail domain (client credentials). */
  apps: OAuthApps;
  /** OAuth2 accounts' access tokens: given ones, or from their sign-ins. */
  tokens: TokenSource;
  /**
   * The job queue on Redis, opened on first use (a private redis-server started when REDIS_URL is
   * unset): what only reads the store, such as `tern status` or `tern list`, never waits for Redis.
   */
  queue(): Promise<TaskQueue>;
  /** Sends a task's notification e-mail (once per event; never throws). */
  notify: TaskNotifier;
  /** DNS, HTTP and probes for autodetection. */
  network: Network;
  /** Uploaded files every worker reaches: the data folder, or S3 (S3_URL), opened on first use. */
  blobs(): Promise<BlobStore>;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  const db = await openStore(config);
  const vault = new Vault(db, loadSecretKey(config.secretKey, config.dataDir, log));
  let redis: ReturnType<typeof openQueue> | undefined;
  let blobs: Promise<BlobStore> | undefined;
  const tasks = new TaskStore(db);
  const signIns = new SignIns(db, vault);
  const apps = new OAuthApps(db, vault);
  // nodemailer loads only where notifications are set up.
  const tokens = lazyTokenSource({ signIns, apps, configuredApps: config.oauthApps, oauth: config.oauth, timeoutMs: config.connectTimeoutMs });
  const mailer: Mailer | undefined = config.smtp ? (await import('../notify/mailer')).createMailer(config.smtp, tokens) : undefined;
  return {
    config,
    log,
    db,
    tasks,
    journal: new Journal(db),
    vault,
    messages: new MessageRefs(db),
    signIns,
    apps,
    tokens,
    queue: async () => (await (redis ??= openQueue(config, log))).queue,
    notify: taskNotifier(tasks, mailer, log),
    network: systemNetwork({ dnsServers: config.dnsServers, timeoutMs: 5000 }),
    blobs: () => (blobs ??= import('../blobs/open').then((m) => m.openBlobs(config))),
    close: async () => {
      mailer?.close();
      const opened = await redis?.catch(() => undefined);
      await opened?.queue.close();
      await opened?.privateRedis?.stop();
      await db.close();
    },
  };
}

async function openQueue(config: Config, log: Logger) {
  // BullMQ (and Redis) load only here, for the commands that queue or follow tasks.
  const [{ TaskQueue }, { startPrivateRedis }, { checkRedis }] = await Promise.all([import('../queue/queue'), import('../queue/private-redis'), import('../queue/redis-check')]);
  // A Redis that does not answer is said within seconds, rather than every queue command hanging.
  if (config.redisUrl) await checkRedis(config.redisUrl);
  const privateRedis = config.redisUrl ? undefined : await startPrivateRedis(config.dataDir);
  // BullMQ wants maxRetriesPerRequest null so a blocking worker survives Redis hiccups.
  const connection = { url: config.redisUrl ?? privateRedis!.url, maxRetriesPerRequest: null } as ConnectionOptions & { url: string };
  const queue = new TaskQueue(connection, config.redisPrefix, (err) => log.warn({ err: err.message }, 'redis error'));
  return { queue, privateRedis };
}
