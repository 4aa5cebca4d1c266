import { TernError } from '../errors';
import type { TaskStore } from '../store/tasks';

/**
 * One run per task, always: a run (migration or rollback) holds the task's lease in the store,
 * taken by compare-and-set and renewed while it works. Before every journal write it checks that
 * it still holds it; a run whose lease was taken over, or whose worker lost the queue's lock on
 * the job (`signal`), stops there, so two runs never write for one task at once.
 */
/** The reason a worker gives its runs when it shuts down (SIGTERM): they stop, to resume later. */
export const SHUTDOWN = 'shutdown';

export class RunLease {
  private lost: string | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly tasks: TaskStore,
    readonly taskId: string,
    readonly generation: number,
    private readonly ttlMs: number,
    private readonly signal?: AbortSignal,
  ) {
    // Renewed well before it runs out; a worker frozen past it finds it taken and stops.
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  /** The lease, or undefined while another run holds it. */
  static async take(tasks: TaskStore, taskId: string, holder: string, ttlMs: number, signal?: AbortSignal): Promise<RunLease | undefined> {
    const generation = await tasks.takeLease(taskId, holder, ttlMs);
    return generation === undefined ? undefined : new RunLease(tasks, taskId, generation, ttlMs, signal);
  }

  private async renew(): Promise<void> {
    // A store that does not answer is not a lost lease: check() finds out when it answers again.
    const renewed = this.lost ? true : await this.tasks.renewLease(this.taskId, this.generation, this.ttlMs).catch(() => true);
    if (!renewed) this.lost ??= 'another run took the task over';
  }

  /**
   * Throws (a RUN_STOPPED TernError) when this run must stop writing. `answers`: the write is the
   * journal's record of what the destination answered to messages already sent; a run whose
   * worker shuts down still makes it (it holds the task until it returns), so that a resume finds
   * every copy it made journaled rather than having to look for it.
   */
  async check(answers = false): Promise<void> {
    const shuttingDown = this.signal?.aborted === true && this.signal.reason === SHUTDOWN;
    // Lost for good (another run may hold the task now); a shutdown only stops what is not yet sent.
    if (this.signal?.aborted && !shuttingDown) this.lost ??= 'its worker lost the job (the queue gave it to another worker)';
    if (!this.lost && !(await this.tasks.holdsLease(this.taskId, this.generation))) this.lost = 'another run took the task over';
    if (this.lost) throw new TernError('RUN_STOPPED', `This run of ${this.taskId} stopped: ${this.lost}.`);
    if (shuttingDown && !answers) throw new TernError('RUN_STOPPED', `This run of ${this.taskId} stopped: its worker is shutting down; it goes on when a worker runs again.`);
  }

  /** Aborted once the run is told to stop (its worker shuts down or lost the job): writers send nothing more. */
  get stopSignal(): AbortSignal | undefined {
    return this.signal;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.tasks.releaseLease(this.taskId, this.generation);
  }
}

/** The task is being run by another worker right now: try again later. */
export class RunningElsewhere extends Error {
  constructor(
    readonly taskId: string,
    readonly holder: string | undefined,
  ) {
    super(`${taskId} is being run by ${holder ?? 'another worker'}`);
  }
}
