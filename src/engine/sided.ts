import { TernError } from '../errors';

export type Side = 'source' | 'destination';

const LABEL: Record<Side, string> = { source: 'Source', destination: 'Destination' };

/** The error with the side it came from in front ("Source: …"), unless it says so already. */
export function onSide(err: unknown, side: Side): unknown {
  if (!(err instanceof TernError) || err.side) return err;
  const said = /^(source|destination)\b/i.test(err.userMessage) ? err.userMessage : `${LABEL[side]}: ${err.userMessage}`;
  return err.withMessage(said, err.field, side);
}

/**
 * A port whose failures name their side: every method's error (thrown, rejected, or from an async
 * iteration) comes out as `onSide(err, side)`, and ports it returns (a write lane) are sided too.
 */
export function sided<T extends object>(port: T, side: Side): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(target, args);
        } catch (err) {
          throw onSide(err, side);
        }
        if (result instanceof Promise) return result.then((r: unknown) => (isPort(r) ? sided(r, side) : r), (err: unknown) => Promise.reject(onSide(err, side)));
        if (isAsyncIterable(result)) return sidedIterable(result, side);
        return result;
      };
    },
  });
}

/** Opens a port for one side: a failure to open names the side too. */
export async function openOn<T extends object>(side: Side, opening: Promise<T>): Promise<T> {
  try {
    return sided(await opening, side);
  } catch (err) {
    throw onSide(err, side);
  }
}

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> => typeof v === 'object' && v !== null && Symbol.asyncIterator in v;
/** A returned object with methods (a write lane), as opposed to data. */
const isPort = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).some((x) => typeof x === 'function') && !(v instanceof Map);

async function* sidedIterable<T>(iterable: AsyncIterable<T>, side: Side): AsyncGenerator<T> {
  try {
    yield* iterable;
  } catch (err) {
    throw onSide(err, side);
  }
}
