import type { Worker } from 'bullmq';
import type { Runtime } from './runtime';
import type { RunObserver } from '../queue/worker';
import type { TaskMetrics } from '../metrics/task-metrics';
import { TernError } from '../errors';

export interface Check {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface HealthReport {
  ok: boolean;
  checks: { store: Check; redis: Check; worker: Check };
  /** Workers connected to the queue (this one and those on other machines), with how long each has been idle. */
  workers: Array<{ name: string; idleSeconds: number }>;
}

const CHECK_TIMEOUT_MS = 3_000;

/**
 * What an operator's monitoring asks of a running `tern start` / `tern worker`: is it healthy (the
 * store answers, Redis answers, the worker runs) and its Prometheus metrics.
 */
export class Operations {
  private worker: Worker | undefined;

  private constructor(
    private readonly rt: Runtime,
    readonly metrics: TaskMetrics,
  ) {}

  static async open(rt: Runtime): Promise<Operations> {
    // prom-client loads only in processes that serve metrics.
    const { TaskMetrics } = await import('../metrics/task-metrics');
    const metrics = new TaskMetrics({
      tasksByState: () => rt.tasks.countByStatus(),
      runningByHost: () => runningByHost(rt),
      queueJobs: async () => (await rt.queue()).queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'failed', 'completed'),
    });
    return new Operations(rt, metrics);
  }

  /** Feeds the metrics from the worker's runs. */
  observer(): RunObserver {
    return {
      started: async (taskId) => this.metrics.started(taskId, await this.rt.tasks.steps(taskId)),
      progress: (snapshot) => this.metrics.progress(snapshot),
      ended: (taskId, err) => this.metrics.ended(taskId, err === undefined ? undefined : err instanceof TernError ? err.code : 'INTERNAL'),
    };
  }

  watch(worker: Worker): void {
    this.worker = worker;
  }

  async health(): Promise<HealthReport> {
    const [store, redis] = await Promise.all([
      timed(async () => void (await this.rt.tasks.countByStatus())),
      // One round trip to Redis through the queue itself.
      timed(async () => void (await (await this.rt.queue()).queue.getJobCounts('waiting'))),
    ]);
    const worker = await timed(async () => {
      if (!this.worker) throw new Error('no worker in this process');
      if (!this.worker.isRunning()) throw new Error('the worker is not running');
    });
    const workers = redis.ok ? await this.workers().catch(() => []) : [];
    return { ok: store.ok && redis.ok && worker.ok, checks: { store, redis, worker }, workers };
  }

  private async workers(): Promise<HealthReport['workers']> {
    const list = await (await this.rt.queue()).queue.getWorkers();
    return list.map((w) => ({ name: String(w.name ?? w.addr ?? 'worker'), idleSeconds: Number(w.idle ?? 0) }));
  }
}

async function runningByHost(rt: Runtime): Promise<Array<{ side: 'source' | 'destination'; host: string; tasks: number }>> {
  const counts = new Map<string, { side: 'source' | 'destination'; host: string; tasks: number }>();
  for (const t of await rt.tasks.runningEndpoints()) {
    for (const side of ['source', 'destination'] as const) {
      const host = t[side].host;
      const key = `${side} ${host}`;
      const entry = counts.get(key) ?? { side, host, tasks: 0 };
      entry.tasks++;
      counts.set(key, entry);
    }
  }
  return [...counts.values()];
}

/** Runs a check with a deadline: a hung Redis is a failed check, not a hung health endpoint. */
async function timed(check: () => Promise<void>): Promise<Check> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)))]);
    return { ok: true, ms: Date.now() - t0 };
  } catch (err) {
    return { ok: false, ms: Date.now() - t0, error: err instanceof TernError ? err.userMessage : (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
