import cliProgress from 'cli-progress';
import type { TaskView } from '../../src/task';
import { progressLine } from './render';

/** A progress bar on the terminal (stderr) while a task runs. */
export class TaskProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private started = false;

  constructor(terminal: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      // Throughput and ETA are Tern's own (bytes-based, commands/progress-figures.ts), not the bar's item guess.
      { format: '{bar} {percentage}% | {progress} | {state}', stream: terminal, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
  }

  update(t: TaskView): void {
    const total = t.steps.reduce((n, s) => n + s.total, 0);
    const done = t.steps.reduce((n, s) => n + s.copied + s.alreadyPresent + s.failed, 0);
    const payload = { progress: progressLine(t), state: t.cancelling ? 'cancelling' : t.status };
    if (!this.started) {
      this.bar.start(Math.max(total, 1), done, payload);
      this.started = true;
    }
    this.bar.setTotal(Math.max(total, 1));
    this.bar.update(done, payload);
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}
