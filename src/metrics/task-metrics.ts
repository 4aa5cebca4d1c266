import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProgressSnapshot } from '../engine/progress';
import type { StepCounters } from '../task';

/** What the metrics read at scrape time (the store and the queue are the truth, not this process's memory). */
export interface MetricSources {
  tasksByState(): Promise<Record<string, number>>;
  /** Running tasks per server and side: how many tasks are talking to each host now. */
  runningByHost(): Promise<Array<{ side: 'source' | 'destination'; host: string; tasks: number }>>;
  queueJobs(): Promise<Record<string, number>>;
}

/**
 * Prometheus metrics of one worker process: what its runs copied (from their progress), job errors
 * by code, and at scrape time tasks by state, queue depth and tasks per host. Counters only grow:
 * a run's counters are read as deltas against the last snapshot it sent.
 */
export class TaskMetrics {
  readonly registry = new Registry();
  private readonly copied = new Counter({ name: 'tern_items_copied_total', help: 'Items copied to destinations by this process', labelNames: ['kind'], registers: [this.registry] });
  private readonly bytes = new Counter({ name: 'tern_bytes_copied_total', help: 'Bytes copied to destinations by this process', labelNames: ['kind'], registers: [this.registry] });
  private readonly failed = new Counter({ name: 'tern_items_failed_total', help: 'Items that could not be copied, by this process', labelNames: ['kind'], registers: [this.registry] });
  private readonly errors = new Counter({ name: 'tern_job_errors_total', help: 'Task runs that ended in an error, by error code', labelNames: ['code'], registers: [this.registry] });
  /** The last counters each running task reported, per step. */
  private readonly last = new Map<string, StepCounters>();

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tern_' });
    new Gauge({
      name: 'tern_tasks',
      help: 'Tasks in the store, by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const byState = await sources.tasksByState();
        this.reset();
        for (const [state, n] of Object.entries(byState)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'tern_tasks_running_per_host',
      help: 'Running tasks per server, by side',
      labelNames: ['side', 'host'],
      registers: [this.registry],
      async collect() {
        const running = await sources.runningByHost();
        this.reset();
        for (const r of running) this.set({ side: r.side, host: r.host }, r.tasks);
      },
    });
    new Gauge({
      name: 'tern_queue_jobs',
      help: 'Jobs in the queue, by state (waiting, delayed, active, …)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [state, n] of Object.entries(await sources.queueJobs())) this.set({ state }, n);
      },
    });
  }

  /** A run starts from the store's counters (a resumed task has copied before): only what it adds counts. */
  started(taskId: string, steps: Array<{ kind: string } & StepCounters>): void {
    for (const step of steps) this.last.set(`${taskId}\u0000${step.kind}`, { total: step.total, copied: step.copied, alreadyPresent: step.alreadyPresent, failed: step.failed, bytes: step.bytes });
  }

  progress(s: ProgressSnapshot): void {
    const key = `${s.taskId}\u0000${s.step}`;
    const before = this.last.get(key);
    this.last.set(key, { ...s.counters });
    const grew = (field: 'copied' | 'bytes' | 'failed') => Math.max(0, s.counters[field] - (before?.[field] ?? 0));
    this.copied.inc({ kind: s.step }, grew('copied'));
    this.bytes.inc({ kind: s.step }, grew('bytes'));
    this.failed.inc({ kind: s.step }, grew('failed'));
  }

  /** A run ended: forget its counters; count its error, if any. */
  ended(taskId: string, errorCode?: string): void {
    for (const key of this.last.keys()) if (key.startsWith(`${taskId}\u0000`)) this.last.delete(key);
    if (errorCode) this.errors.inc({ code: errorCode });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
