import type { JournalEntry } from '../store/journal';
import type { RunJournal } from './run-journal';

/** Something at the destination an intent could have become. */
export interface Candidate {
  id: string;
  /** What the entry's key is compared with: a message's dedupe key, an item's stamp. */
  key: string;
  /** Its place in the destination's write order (IMAP UID), when the destination has one. */
  position?: number;
  /** The write mark it carries, when the destination keeps marks. */
  mark?: string;
}

/** The mark a write carries at destinations that keep one: unique to the task and its journal entry. */
export const markOf = (taskId: string, entryId: number) => `${taskId}/${entryId}`;

/**
 * Crash recovery, the one place it is done. Of what the destination holds (`present`), the ids
 * this task owns: its confirmed entries' refs, and for each intent whose answer never came (the
 * worker died between the write and the journal) the item it became — found by its mark where the
 * destination keeps marks, else by its key at or above its watermark — which confirms it; an
 * intent that found nothing never landed and is dropped. `entries` get their refs filled in.
 */
export async function claimIntents(journal: RunJournal, taskId: string, entries: JournalEntry[], present: Candidate[], byMark: boolean): Promise<Set<string>> {
  const ours = new Set(entries.flatMap((e) => (e.ref ? [e.ref] : [])));
  const confirmed: Array<[number, string]> = [];
  const dropped: number[] = [];
  for (const entry of entries.filter((e) => !e.ref)) {
    const mark = markOf(taskId, entry.id);
    const found = present.find(
      (p) => !ours.has(p.id) && (byMark ? p.mark === mark : p.key === entry.key && (p.position ?? Infinity) >= (entry.watermark ?? -Infinity)),
    );
    if (found) {
      confirmed.push([entry.id, found.id]);
      entry.ref = found.id;
      ours.add(found.id);
    } else {
      dropped.push(entry.id);
    }
  }
  // One transaction: a resumed folder may hold thousands of unanswered intents.
  await journal.settle({ confirmed, dropped });
  return ours;
}
