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
    // Largest folders first: the last to finish is then a small one, and lanes do not idle on a big tail.
    this.folders = [...jobs].sort((a, b) => b.report.sourceCount - a.report.sourceCount);
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

  /** `sameFolder`: the folder the lane read last; its batches come first (another costs the lane a SELECT). */
  async next(mayStart: () => Promise<boolean>, sameFolder?: FolderJob): Promise<CopyChunk | FolderJob | undefined> {
    for (;;) {
      if (this.stopped) return undefined;
      const at = sameFolder ? this.chunks.findIndex((c) => c.job === sameFolder) : -1;
      const chunk = at > 0 ? this.chunks.splice(at, 1)[0] : this.chunks.shift();
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
