import type { FolderTree, MailDestination, MailSource, MessageSummary } from '../../ports/mail';
import type { MigrationOptions } from '../../options';
import type { PlanFolder } from '../../plan';
import { planFolders } from '../folder-map';
import { matchMessages } from '../email/match';
import { leftOutNote, selectFolders, selectMessages } from '../email/selection';

/** A planned folder and its source messages as selected (kept for the probe's read sample). */
export interface MailPlanFolder {
  folder: PlanFolder;
  toCopy: MessageSummary[];
}

/**
 * Each selected folder as the e-mail step would take it: the same folder map, selection and
 * dedupe matching, but read-only at the destination (a folder it lacks is only found missing,
 * never created; an IMAP folder is EXAMINEd, not SELECTed).
 */
export async function planMail(source: MailSource, destination: MailDestination, options: MigrationOptions | undefined, trees: { source: FolderTree; destination: FolderTree }, sizeLimit: number | undefined): Promise<MailPlanFolder[]> {
  const plans = selectFolders(options, trees.source, planFolders(trees.source, trees.destination)).filter((p) => p.copyMessages);
  const out: MailPlanFolder[] = [];
  for (const plan of plans) {
    const selection = selectMessages(options, await source.scan(plan.source));
    const messages = selection.selected;
    const found = await destination.findFolder(plan.destination);
    const present = found ? (await destination.scan(found, { readOnly: true })).messages : [];
    const match = matchMessages(messages, present, new Set());
    const fits = (m: MessageSummary) => sizeLimit === undefined || m.size <= sizeLimit;
    const toCopy = match.toCopy.filter(fits);
    const largest = messages.reduce<MessageSummary | undefined>((big, m) => (!big || m.size > big.size ? m : big), undefined);
    const note = [plan.note, leftOutNote(selection)].filter(Boolean).join('; ');
    out.push({
      toCopy,
      folder: {
        sourceFolder: plan.source,
        destinationFolder: found?.path ?? plan.destination,
        exists: !!found,
        count: messages.length,
        bytes: sum(messages),
        ...(largest ? { largest: { bytes: largest.size, ...(largest.internalDate ? { receivedAt: largest.internalDate.toISOString() } : {}) } } : {}),
        alreadyPresent: match.alreadyPresent.length,
        toCopy: toCopy.length,
        toCopyBytes: sum(toCopy),
        tooLarge: match.toCopy.length - toCopy.length,
        leftOut: selection.outOfRange + selection.overCap,
        ...(note ? { note } : {}),
      },
    });
  }
  return out;
}

const sum = (messages: MessageSummary[]) => messages.reduce((n, m) => n + m.size, 0);
