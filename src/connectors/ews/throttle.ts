/**
 * Exchange throttling. A throttled caller gets ErrorServerBusy, either as a SOAP fault (HTTP
 * 500) for the whole request or as the ResponseCode of single items of a batch, with the wait the
 * server asks for in BackOffMilliseconds. ews-javascript-api raises no dedicated error for it, so
 * it is detected here, on the raw XML, and the request (or the throttled items) tried again.
 */

import { busyWait } from '../http-wait';

export { busyWait, retryAfterMs } from '../http-wait';

/** How often one request is retried while the server keeps saying it is busy. */
export const MAX_BUSY_RETRIES = 8;

export function isServerBusy(xml: string): boolean {
  return /ErrorServerBusy/.test(xml);
}

/** BackOffMilliseconds from a fault's or response message's MessageXml, when present. */
export function backOffFromXml(xml: string): number | undefined {
  const m = /Name\s*=\s*["']BackOffMilliseconds["'][^>]*>\s*(\d+)\s*</.exec(xml);
  return m ? Number(m[1]) : undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs a batch operation whose answers come one per input, in order, and retries the inputs the
 * server answered with ErrorServerBusy (after its back-off), so one throttled item does not
 * fail while its neighbours went through. Other per-item answers are returned as they are.
 */
export async function retryBusyItems<I, R>(
  inputs: I[],
  run: (batch: I[]) => Promise<R[]>,
  busy: (result: R) => { busy: boolean; backOffMs?: number },
): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let pending = inputs.map((_, i) => i);
  for (let attempt = 0; ; attempt++) {
    const answers = await run(pending.map((i) => inputs[i]));
    const again: number[] = [];
    let wait: number | undefined;
    answers.forEach((answer, k) => {
      const index = pending[k];
      results[index] = answer;
      const b = busy(answer);
      if (b.busy) {
        again.push(index);
        if (b.backOffMs !== undefined) wait = Math.max(wait ?? 0, b.backOffMs);
      }
    });
    if (again.length === 0 || attempt >= MAX_BUSY_RETRIES) return results;
    await sleep(busyWait(attempt, wait));
    pending = again;
  }
}
