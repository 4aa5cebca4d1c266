import { TernError } from '../src/errors';
import type { AccountCredentials } from '../src/ports/account';
import type { DeviceCode } from '../src/auth/device';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';
import type { PlanView } from '../src/plan';
import { FormErrors, createFromForm, parseMigrateForm, planFromForm, type MigrateFormValues, type Side } from './migrate-form';

/**
 * The chat forms with OAuth2 sign-ins: a side that chose "Sign in with …" and has no stored
 * sign-in is signed in first (device code, shown privately by the adapter), in the background;
 * what the form asked for (the task, the plan, the import) happens only once every such side has
 * signed in.
 */
export type SignedIn<T> =
  /** Nothing to sign in: done at once. */
  | { now: T }
  /** Sign-ins under way for these sides; `finished` gives the outcome, or fails with one sentence naming the side. */
  | { signingIn: Side[]; finished: Promise<T> };

/** Where to sign in and the code, for a private message (never a token). */
export type ShowCode = (side: Side, code: DeviceCode) => Promise<void>;

const SIDES: Side[] = ['source', 'destination'];
const Sided = (side: Side) => (side === 'source' ? 'Source' : 'Destination');

/**
 * Signs in the sides that need it, all at once (each shows its own code), then runs `then`. When
 * one sign-in fails, the others are stopped and only that one's sentence is told: nothing runs.
 */
export async function signInThen<T>(service: TernService, accounts: Partial<Record<Side, AccountCredentials>>, actor: Actor, show: ShowCode, then: () => Promise<T>): Promise<SignedIn<T>> {
  const needed: Side[] = [];
  const errors: Record<string, string> = {};
  for (const side of SIDES) {
    const account = accounts[side];
    if (!account) continue;
    try {
      service.requireSignIn(account, side);
    } catch (err) {
      if (!(err instanceof TernError)) throw err;
      // No stored sign-in: one is made below. Anything else (no client id configured…) is said at the choice.
      if (err.code === 'SIGN_IN_NEEDED') needed.push(side);
      else errors[`${side}.signIn`] = `${Sided(side)}: ${err.userMessage}`;
    }
  }
  if (Object.keys(errors).length) throw new FormErrors(errors);
  if (!needed.length) return { now: await then() };
  const stop = new AbortController();
  const signIn = async (side: Side) => {
    try {
      await service.signIn(accounts[side]!, side, (code) => show(side, code), actor, stop.signal, '/migrate');
    } catch (err) {
      if (!(err instanceof TernError)) throw err;
      throw new TernError(err.code, `${Sided(side)} account ${accounts[side]!.user}: ${lowerFirst(err.userMessage)}`, { field: side });
    }
  };
  const finished = (async () => {
    try {
      await Promise.all(needed.map(signIn));
    } finally {
      // The first failure is the one told; the other side's code is no longer waited for.
      stop.abort();
    }
    return then();
  })();
  // Told by the adapter when it settles; never an unhandled rejection meanwhile.
  finished.catch(() => {});
  return { signingIn: needed, finished };
}

/** Start on the /migrate form: the task, once the sides that chose a provider have signed in. */
export async function startMigrateForm(service: TernService, values: MigrateFormValues, actor: Actor, show: ShowCode): Promise<SignedIn<TaskView>> {
  const parsed = parseMigrateForm(values);
  return signInThen(service, parsed, actor, show, () => createFromForm(service, parsed, actor));
}

/** "Check first" on the /migrate form: the plan, once the sides that chose a provider have signed in. */
export async function planMigrateFormSignedIn(service: TernService, values: MigrateFormValues, actor: Actor, show: ShowCode): Promise<SignedIn<PlanView>> {
  const parsed = parseMigrateForm(values);
  return signInThen(service, parsed, actor, show, () => planFromForm(service, parsed, actor));
}

/** The private message with the sign-in link and code, platform-neutral (the adapter escapes it). */
export function signInCodeText(side: Side, login: string | undefined, code: DeviceCode, after = 'the migration starts'): string {
  const minutes = Math.max(1, Math.round(code.expiresInSeconds / 60));
  const direct = code.verificationUriComplete ? ` (or open ${code.verificationUriComplete})` : '';
  return `To sign in the ${side} account ${login ?? ''}, open ${code.verificationUri} and enter the code ${code.userCode}${direct}. The code expires in ${minutes} minute${minutes === 1 ? '' : 's'}; ${after} once you have signed in.`;
}

/** What the form says while the sign-ins are under way. */
export function signingInText(sides: Side[], after = 'The migration starts'): string {
  const which = sides.length === 2 ? 'the source and destination accounts' : `the ${sides[0]} account`;
  return `Waiting for you to sign in ${which}: Tern has sent you the link and code privately (only you can see them). ${after} once you have signed in.`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
