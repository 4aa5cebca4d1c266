/**
 * SQLite has one connection: while a hand-made BEGIN IMMEDIATE … COMMIT is open, any query on it
 * joins that transaction, and a rollback would undo another caller's write. So every query made
 * outside the transaction goes through this gate: a query builder awaited while a transaction is
 * open waits until it ends (and checks again: the next transaction may have begun). With no
 * transaction open the query runs at once, as before (the copy's hot path pays no round trip).
 */
export function gatedOrm<O extends object>(orm: O, openTransaction: () => Promise<unknown> | undefined): O {
  const gate = <T extends object>(builder: T): T =>
    new Proxy(builder, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'then') {
          return (resolve: (v: unknown) => unknown, reject: (e: unknown) => unknown) => {
            const run = (): unknown => {
              const open = openTransaction();
              return open ? open.then(run, run) : (value as (a: unknown, b: unknown) => unknown).call(target, resolve, reject);
            };
            return run();
          };
        }
        // Chained calls (.from, .where, .values, .returning…) return builders: gated too.
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function' ? gate(result) : result;
        };
      },
    });
  return new Proxy(orm, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function' || !['select', 'selectDistinct', 'insert', 'update', 'delete'].includes(prop as string)) return value;
      return (...args: unknown[]) => gate((value as (...a: unknown[]) => object).apply(target, args));
    },
  });
}
