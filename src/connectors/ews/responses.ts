import { ServiceError, ServiceResult } from 'ews-javascript-api';
import type { ServiceResponse } from 'ews-javascript-api';

/** Helpers for the per-item answers of batch operations (GetItem, CreateItem, DeleteItem). */

export function isSuccess(answer: ServiceResponse): boolean {
  return answer.Result !== ServiceResult.Error;
}

/** ErrorServerBusy for this one item, with the wait the server asked for. */
export function isBusy(answer: ServiceResponse): { busy: boolean; backOffMs?: number } {
  if (answer.Result !== ServiceResult.Error || answer.ErrorCode !== ServiceError.ErrorServerBusy) return { busy: false };
  let backOff: unknown;
  try {
    const details = answer.ErrorDetails as unknown as { get?: (key: string) => unknown; containsKey?: (key: string) => boolean } | undefined;
    backOff = details?.containsKey?.('BackOffMilliseconds') ? details.get?.('BackOffMilliseconds') : undefined;
  } catch {
    backOff = undefined;
  }
  const ms = Number(backOff);
  return { busy: true, backOffMs: Number.isFinite(ms) && backOff !== undefined ? ms : undefined };
}

/** Answers that mean "that item is not there (any more)": fine for deletes and reads. */
export function isGone(answer: ServiceResponse): boolean {
  return answer.Result === ServiceResult.Error && (answer.ErrorCode === ServiceError.ErrorItemNotFound || answer.ErrorCode === ServiceError.ErrorInvalidIdMalformed);
}
