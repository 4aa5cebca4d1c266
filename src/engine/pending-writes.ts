/**
 * Store writes started where nothing can wait for them (a connector's synchronous answer
 * callback), waited for together later: `done()` resolves once all have, and throws the first
 * failure. Each write gets its handler at once, so a failure never goes unhandled meanwhile.
 */
export class PendingWrites {
  private writes: Promise<void>[] = [];
  private failure: { err: unknown } | undefined;

  add(write: Promise<unknown>): void {
    this.writes.push(
      write.then(
        () => undefined,
        (err: unknown) => {
          this.failure ??= { err };
        },
      ),
    );
  }

  async done(): Promise<void> {
    while (this.writes.length) await Promise.all(this.writes.splice(0));
    if (this.failure) throw this.failure.err;
  }
}
