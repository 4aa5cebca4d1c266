/**
 * Test-time edits of a copy of a real PST (never a PST writer): a message's bytes are rewritten in
 * place, at the blocks pst-extractor's own index points to, sizes unchanged. Blocks of a file with
 * compressible encryption are decoded, edited and encoded again.
 */
import { PSTFile, type PSTFolder, type PSTMessage } from 'pst-extractor';

const NID_IPM_SUBTREE = 0x8022;

/** The message of that subject in that folder (a top-level folder of the IPM subtree). */
export function findMessage(pst: PSTFile, folder: string, subject: string): PSTMessage {
  const ipm = pst.getRootFolder().getSubFolders().find((f) => Number(f.descriptorNodeId.toString()) === NID_IPM_SUBTREE);
  const box = ipm?.getSubFolders().find((f: PSTFolder) => f.displayName === folder);
  if (!box) throw new Error(`no folder ${folder}`);
  box.moveChildCursorTo(0);
  for (let c = box.getNextChild(); c; c = box.getNextChild()) if ((c as PSTMessage).subject === subject) return c as PSTMessage;
  throw new Error(`no message "${subject}" in ${folder}`);
}
