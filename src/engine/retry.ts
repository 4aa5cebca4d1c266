/** Waits between tries of a task whose server is unreachable or busy: 2 s, 4 s, 8 s… up to a minute. */
export function backoffMs(failuresInARow: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.max(0, failuresInARow - 1));
}

/** The task is to be tried again after `delayMs` (its run failed on something that may pass). */
export class RetryLater extends Error {
  constructor(
    readonly taskId: string,
    readonly delayMs: number,
  ) {
    super(`${taskId}: trying again in ${Math.round(delayMs / 1000)} s`);
  }
}
