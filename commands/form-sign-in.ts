import { TernError } from '../src/errors';
import type { DeviceCode } from '../src/auth/device';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';
import { FormErrors, parseMigrateForm, submitMigrateForm, type MigrateFormValues, type Side } from './migrate-form';

/**
 * The /migrate form with OAuth2 sign-ins: a side that chose "Sign in with …" and has no stored
 * sign-in is signed in first (device code, shown privately by the adapter), in the background;
 * the task is created only once every such side has signed in.
 */
export type FormStart =
  /** Nothing to sign in: the task is created. */
  | { task: TaskView }
  /** Sign-ins under way for these sides; `finished` gives the task, or fails with one sentence naming the side. */
  | { signingIn: Side[]; finished: Promise<TaskView> };

/** Where to sign in and the code, for a private message (never a token). */
export type ShowCode = (side: Side, code: DeviceCode) => Promise<void>;

const SIDES: Side[] = ['source', 'destination'];
const Sided = (side: Side) => (side === 'source' ? 'Source' : 'Destination');

export async function startMigrateForm(service: TernService, values: MigrateFormValues, actor: Actor, show: ShowCode): Promise<FormStart> {
  const parsed = parseMigrateForm(values);
  const needed: Side[] = [];
  const errors: Record<string, string> = {};
  for (const side of SIDES) {
    try {
      service.requireSignIn(parsed[side], side);
    } catch (err) {
      if (!(err instanceof TernError)) throw err;
      // No stored sign-in: one is made below. Anything else (no client id configured…) is said at the choice.
      if (err.code === 'SIGN_IN_NEEDED') needed.push(side);
      else errors[`${side}.signIn`] = `${Sided(side)}: ${err.userMessage}`;
    }
  }
  if (Object.keys(errors).length) throw new FormErrors(errors);
  if (!needed.length) return { task: await submitMigrateForm(service, values, actor) };
  const finished = (async () => {
    for (const side of needed) {
      try {
        await service.signIn(parsed[side], side, (code) => show(side, code), actor, undefined, '/migrate');
      } catch (err) {
        if (!(err instanceof TernError)) throw err;
        throw new TernError(err.code, `${Sided(side)} account ${parsed[side].user}: ${lowerFirst(err.userMessage)}`, { field: side });
      }
    }
    return service.create(parsed, actor);
  })();
  // Told by the adapter when it settles; never an unhandled rejection meanwhile.
  finished.catch(() => {});
  return { signingIn: needed, finished };
}

/** The private message with the sign-in link and code, platform-neutral (the adapter escapes it). */
export function signInCodeText(side: Side, login: string | undefined, code: DeviceCode): string {
  const minutes = Math.max(1, Math.round(code.expiresInSeconds / 60));
  const direct = code.verificationUriComplete ? ` (or open ${code.verificationUriComplete})` : '';
  return `To sign in the ${side} account ${login ?? ''}, open ${code.verificationUri} and enter the code ${code.userCode}${direct}. The code expires in ${minutes} minute${minutes === 1 ? '' : 's'}; the migration starts once you have signed in.`;
}

/** What the form says while the sign-ins are under way. */
export function signingInText(sides: Side[]): string {
  const which = sides.length === 2 ? 'the source and destination accounts' : `the ${sides[0]} account`;
  return `Waiting for you to sign in ${which}: Tern has sent you the link and code privately (only you can see them). The migration starts once you have signed in.`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
