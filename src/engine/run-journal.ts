import type { Journal } from '../store/journal';
import type { RunLease } from './lease';

/** The journal as a run uses it. */
export type RunJournal = Pick<Journal, 'intend' | 'intendAll' | 'confirm' | 'drop' | 'settle' | 'record' | 'entries'>;

/** Every write first checks that the run still holds its task: a run that lost it writes nothing more. */
export function leasedJournal(journal: Journal, lease: RunLease, opts: { answersWhileStopping?: boolean } = {}): RunJournal {
  const answers = opts.answersWhileStopping ?? false;
  return {
    intend: async (...a) => (await lease.check(), journal.intend(...a)),
    intendAll: async (...a) => (await lease.check(), journal.intendAll(...a)),
    // `answersWhileStopping`: the answers to what was already sent are journaled by a run whose worker shuts down too (see RunLease.check).
    confirm: async (...a) => (await lease.check(answers), journal.confirm(...a)),
    drop: async (...a) => (await lease.check(answers), journal.drop(...a)),
    settle: async (...a) => (await lease.check(answers), journal.settle(...a)),
    record: async (...a) => (await lease.check(), journal.record(...a)),
    entries: (...a) => journal.entries(...a),
  };
}
