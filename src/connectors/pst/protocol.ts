import type { ErrorCode } from '../../errors';
import type { PstItemKind } from './items';

/** Folder paths of a PST are its folder names joined with this (a "/" inside a name becomes "_"). */
export const PST_DELIMITER = '/';

/** Where one non-mail item is: its node ID and the PST folder path it sits in. */
export interface PstItemRef {
  ref: string;
  folder: string;
}

/** Messages between client.ts (any thread) and thread.ts (the reader thread). Plain data only. */
export type PstRequest =
  | { id: number; op: 'open' }
  | { id: number; op: 'folders' }
  | { id: number; op: 'scan'; folder: string }
  | { id: number; op: 'fetch'; folder: string; refs: string[] }
  | { id: number; op: 'itemRefs'; kind: PstItemKind }
  | { id: number; op: 'readItems'; refs: PstItemRef[] }
  | { id: number; op: 'close' };

/** An error's `message` is for the user; `detail` (the library's text) is for the log only. */
export type PstResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { code: ErrorCode; message: string; detail?: string } };
