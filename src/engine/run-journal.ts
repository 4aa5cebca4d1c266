import type { Journal } from '../store/journal';
import type { RunLease } from './lease';

/** The journal as a run uses it. */
export type RunJournal = Pick<Journal, 'intend' | 'intendAll' | 'confirm' | 'drop' | 'settle' | 'record' | 'entries'>;

/** Every write first checks that the run still holds its task: a run that lost it writes nothing more. */
export function leasedJournal(journal: Journal, lease: RunLease, opts: { answersWhileStopping?: boolean } = {}): RunJournal {
  const answers = opts.answersWhileStopping ?? false;
  return {
    intend: (...a) => (lease.check(), journal.intend(...a)),
    intendAll: (...a) => (lease.check(), journal.intendAll(...a)),
    // `answersWhileStopping`: the answers to what was already sent are journaled by a run whose worker shuts down too (see RunLease.check).
    confirm: (...a) => (lease.check(answers), journal.confirm(...a)),
    drop: (...a) => (lease.check(answers), journal.drop(...a)),
    settle: (...a) => (lease.check(answers), journal.settle(...a)),
    record: (...a) => (lease.check(), journal.record(...a)),
    entries: (...a) => journal.entries(...a),
  };
}
