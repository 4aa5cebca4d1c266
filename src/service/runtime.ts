import path from 'node:path';
import type { ConnectionOptions } from 'bullmq';
import type { Config } from '../config';
import type { Logger } from '../log';
import { openDb, type Db } from '../store/db';
import { TaskStore } from '../store/tasks';
import { Journal } from '../store/journal';
import { Vault, loadSecretKey } from '../store/vault';
import { MessageRefs } from '../store/messages';
import { TaskQueue } from '../queue/queue';
import { startPrivateRedis, type PrivateRedis } from '../queue/private-redis';
import { createMailer, type Mailer } from '../notify/mailer';
import { taskNotifier, type TaskNotifier } from '../notify/task-notifier';
import { systemNetwork, type Network } from '../connectors/autodetect';

/** The long-lived pieces one process shares: store, vault, queue connection. */
export interface Runtime {
  config: Config;
  log: Logger;
  db: Db;
  tasks: TaskStore;
  journal: Journal;
  vault: Vault;
  messages: MessageRefs;
  queue: TaskQueue;
  connection: ConnectionOptions;
  /** Sends a task's notification e-mail (once per event; never throws). */
  notify: TaskNotifier;
  /** DNS, HTTP and probes for autodetection. */
  network: Network;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  const db = openDb(path.join(config.dataDir, 'tern.db'));
  const vault = new Vault(db, loadSecretKey(config.secretKey, config.dataDir, log));
  let privateRedis: PrivateRedis | undefined;
  let redisUrl = config.redisUrl;
  if (!redisUrl) {
    privateRedis = await startPrivateRedis(config.dataDir);
    redisUrl = privateRedis.url;
  }
  // BullMQ wants maxRetriesPerRequest null so a blocking worker survives Redis hiccups.
  const connection: ConnectionOptions = { url: redisUrl, maxRetriesPerRequest: null } as ConnectionOptions;
  const queue = new TaskQueue(connection, config.redisPrefix, (err) => log.warn({ err: err.message }, 'redis error'));
  const tasks = new TaskStore(db);
  const mailer: Mailer | undefined = config.smtp ? createMailer(config.smtp) : undefined;
  return {
    config,
    log,
    db,
    tasks,
    journal: new Journal(db),
    vault,
    messages: new MessageRefs(db),
    queue,
    connection,
    notify: taskNotifier(tasks, mailer, log),
    network: systemNetwork({ dnsServers: config.dnsServers, timeoutMs: 5000 }),
    close: async () => {
      mailer?.close();
      await queue.close();
      await privateRedis?.stop();
      db.$client.close();
    },
  };
}
