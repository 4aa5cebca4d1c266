import cliProgress from 'cli-progress';
import type { TaskView } from '../../src/task';
import { formatBytes } from './render';

/** A progress bar on the terminal (stderr) while a task runs. */
export class TaskProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private started = false;
  private readonly t0 = Date.now();

  constructor(terminal: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      { format: '{bar} {percentage}% | {value}/{total} messages | {bytes} | {rate} | ETA {eta_formatted} | {state}', stream: terminal, hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
  }

  update(t: TaskView): void {
    const total = t.steps.reduce((n, s) => n + s.total, 0);
    const done = t.steps.reduce((n, s) => n + s.copied + s.alreadyPresent + s.failed, 0);
    const bytes = t.steps.reduce((n, s) => n + s.bytes, 0);
    const seconds = Math.max(1, (Date.now() - this.t0) / 1000);
    const payload = { bytes: formatBytes(bytes), rate: `${formatBytes(bytes / seconds)}/s`, state: t.cancelling ? 'cancelling' : t.status };
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
