import type { CopyChunk, FolderJob } from './folder-job';

/**
 * Hands out work to lanes: batches of started folders first (so started folders finish), then
 * new folders while `mayStart()` (false once cancel was asked). Lanes with nothing to do wait for
 * folders being scanned, which may yet queue batches.
 */
export class WorkQueue {
  private readonly folders: FolderJob[];
  private readonly chunks: CopyChunk[] = [];
  private scanning = 0;
  private stopped = false;
  private wake: Array<() => void> = [];

  constructor(jobs: FolderJob[]) {
    this.folders = [...jobs];
  }

  /** A batch that is ready now, without waiting (for reading ahead). */
  takeChunk(): CopyChunk | undefined {
    return this.stopped ? undefined : this.chunks.shift();
  }

  addChunks(chunks: CopyChunk[]): void {
    this.chunks.push(...chunks);
    this.notify();
  }

  /** No more work for anyone (a lane failed): every lane waiting is let go. */
  stop(): void {
    this.stopped = true;
    this.notify();
  }

  async next(mayStart: () => Promise<boolean>): Promise<CopyChunk | FolderJob | undefined> {
    for (;;) {
      if (this.stopped) return undefined;
      const chunk = this.chunks.shift();
      if (chunk) return chunk;
      if (this.folders.length > 0 && (await mayStart())) {
        // Another lane may have taken the last folder while mayStart was asked.
        const folder = this.folders.shift();
        if (!folder) continue;
        this.scanning++;
        return folder;
      }
      if (this.scanning === 0) return undefined;
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  /** A folder's scan ended (its batches, if any, were or will be added). */
  scanned(): void {
    this.scanning--;
    this.notify();
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }
}
