import { TernError } from '../src/errors';
import type { AccountCredentials } from '../src/ports/account';
import { randomBytes } from 'node:crypto';
import type { DeviceCode, PendingDevice } from '../src/auth/device';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';
import type { PlanView } from '../src/plan';
import { FormErrors, createFromForm, parseImportForm, parseMigrateForm, planFromForm, type ImportFormValues, type MigrateFormValues, type Side } from './migrate-form';

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

/**
 * A chat sign-in waiting for approval, kept sealed in Redis until its codes expire, so that a
 * restarted bot goes on polling and finishes what the form asked for.
 */
export interface KeptSignIn {
  surface: string;
  user: string;
  channel: string;
  /** The modal to update with the outcome (Slack), if still open. */
  viewId?: string;
  /** The interaction to answer with the outcome (Discord): its webhook token, good for 15 minutes. */
  replyToken?: string;
  what: 'task' | 'plan';
  values: MigrateFormValues;
  actor: Actor;
  /** The codes handed out so far, per side (device_code included: the record is sealed). */
  devices: Partial<Record<Side, PendingDevice>>;
}

/** Where a form's sign-in is kept, and the bot's own stop (which leaves it kept, for the next start). */
export interface Keeping {
  kept: Omit<KeptSignIn, 'devices'> & { devices?: KeptSignIn['devices'] };
  /** Aborted when the bot stops: the sign-in stays kept and nobody is told it failed. */
  botStopping: AbortSignal;
  /** Set when resuming a kept sign-in. */
  id?: string;
}

/** What an adapter gives to keep a /migrate form's sign-in (what it asks for is known from the call). */
export type FormKeeping = { kept: Omit<KeptSignIn, 'devices' | 'what'>; botStopping: AbortSignal };

const keptKind = (surface: string) => `sign-in:${surface}`;

const SIDES: Side[] = ['source', 'destination'];
const Sided = (side: Side) => (side === 'source' ? 'Source' : 'Destination');

/**
 * Signs in the sides that need it, all at once (each shows its own code), then runs `then`. When
 * one sign-in fails, the others are stopped and only that one's sentence is told: nothing runs.
 */
export async function signInThen<T>(service: TernService, accounts: Partial<Record<Side, AccountCredentials>>, actor: Actor, show: ShowCode, then: () => Promise<T>, keeping?: Keeping): Promise<SignedIn<T>> {
  const needed: Side[] = [];
  const errors: Record<string, string> = {};
  for (const side of SIDES) {
    const account = accounts[side];
    if (!account) continue;
    try {
      await service.requireSignIn(account, side);
    } catch (err) {
      if (!(err instanceof TernError)) throw err;
      // No stored sign-in: one is made below. Anything else (no client id configured…) is said at the choice.
      if (err.code === 'SIGN_IN_NEEDED') needed.push(side);
      else errors[`${side}.signIn`] = `${Sided(side)}: ${err.userMessage}`;
    }
  }
  if (Object.keys(errors).length) throw new FormErrors(errors);
  const keep = keeping && (await formKeeper(service, keeping));
  if (!needed.length) {
    await keep?.drop();
    return { now: await then() };
  }
  const stop = new AbortController();
  const signal = keeping ? AbortSignal.any([stop.signal, keeping.botStopping]) : stop.signal;
  const signIn = async (side: Side) => {
    try {
      await service.signIn(accounts[side]!, side, (code) => show(side, code), actor, signal, '/migrate', keep?.device(side) ?? {});
    } catch (err) {
      if (!(err instanceof TernError)) throw err;
      throw new TernError(err.code, `${Sided(side)} account ${accounts[side]!.user}: ${lowerFirst(err.userMessage)}`, { field: side });
    }
  };
  const finished = (async () => {
    try {
      await Promise.all(needed.map(signIn));
    } catch (err) {
      // The bot is stopping: the sign-in stays kept, and the next start goes on with it.
      if (keeping?.botStopping.aborted) throw new TernError('INTERRUPTED', 'The bot stopped; the sign-in goes on when it starts again.');
      await keep?.drop();
      throw err;
    } finally {
      // The first failure is the one told; the other side's code is no longer waited for.
      stop.abort();
    }
    await keep?.drop();
    return then();
  })();
  // Told by the adapter when it settles; never an unhandled rejection meanwhile.
  finished.catch(() => {});
  return { signingIn: needed, finished };
}

/** Keeps the form's record as each code is handed out (one write at a time), and drops it at the end. */
async function formKeeper(service: TernService, keeping: Keeping) {
  const keeps = await service.chatKeeps();
  const id = keeping.id ?? randomBytes(9).toString('base64url');
  const record: KeptSignIn = { ...keeping.kept, devices: { ...keeping.kept.devices } };
  const kind = keptKind(record.surface);
  let writes = Promise.resolve();
  const save = () => (writes = writes.then(() => keeps.put(kind, id, record, Math.max(...Object.values(record.devices).map((d) => d!.expiresAt)))));
  return {
    device: (side: Side) => ({
      resume: record.devices[side],
      started: async (pending: PendingDevice) => {
        record.devices[side] = pending;
        await save();
      },
    }),
    drop: async () => {
      await writes.catch(() => {});
      await keeps.delete(kind, id);
    },
  };
}

/** What a /migrate form asks for once its sides have signed in: the task, or the plan. */
async function formSignIn(service: TernService, values: MigrateFormValues, actor: Actor, show: ShowCode, what: 'task' | 'plan', keeping?: Keeping): Promise<SignedIn<TaskView | PlanView>> {
  const parsed = parseMigrateForm(values);
  return signInThen<TaskView | PlanView>(service, parsed, actor, show, () => (what === 'task' ? createFromForm(service, parsed, actor) : planFromForm(service, parsed, actor)), keeping);
}

/** Start on the /migrate form: the task, once the sides that chose a provider have signed in. */
export async function startMigrateForm(service: TernService, values: MigrateFormValues, actor: Actor, show: ShowCode, keeping?: FormKeeping): Promise<SignedIn<TaskView>> {
  return formSignIn(service, values, actor, show, 'task', keeping && { ...keeping, kept: { ...keeping.kept, what: 'task' } }) as Promise<SignedIn<TaskView>>;
}

/** "Check first" on the /migrate form: the plan, once the sides that chose a provider have signed in. */
export async function planMigrateFormSignedIn(service: TernService, values: MigrateFormValues, actor: Actor, show: ShowCode, keeping?: FormKeeping): Promise<SignedIn<PlanView>> {
  return formSignIn(service, values, actor, show, 'plan', keeping && { ...keeping, kept: { ...keeping.kept, what: 'plan' } }) as Promise<SignedIn<PlanView>>;
}

/**
 * A PST import from the chat: `run` (which makes the task) once the destination, when it chose a
 * provider, has signed in. The form is checked first, so a malformed field is said before any code.
 */
export async function importPstSignedIn(service: TernService, values: ImportFormValues, actor: Actor, show: ShowCode, run: () => Promise<TaskView>): Promise<SignedIn<TaskView>> {
  return signInThen(service, { destination: parseImportForm(values).destination }, actor, show, run);
}

/**
 * On a bot's start: every form sign-in of `surface` kept from before a restart is taken up again
 * (its codes polled for what is left of their lifetime); `resumed` tells the adapter, which tells
 * the person the outcome as for a fresh one.
 */
export async function resumeFormSignIns(service: TernService, surface: string, botStopping: AbortSignal, show: (kept: KeptSignIn) => ShowCode, resumed: (kept: KeptSignIn, started: SignedIn<TaskView | PlanView>) => void): Promise<void> {
  const keeps = await service.chatKeeps();
  const kind = keptKind(surface);
  for (const id of await keeps.ids(kind)) {
    const kept = await keeps.get<KeptSignIn>(kind, id);
    if (!kept) continue;
    const keeping = { kept, botStopping, id };
    try {
      resumed(kept, await formSignIn(service, kept.values, kept.actor, show(kept), kept.what, keeping));
    } catch (err) {
      // The form no longer passes (a setting changed meanwhile): told as a failed sign-in would be.
      await keeps.delete(kind, id);
      const finished = Promise.reject(err);
      finished.catch(() => {});
      resumed(kept, { signingIn: [], finished });
    }
  }
}

/**
 * What to tell when a form's sign-ins (or what they led to) failed: one sentence, and whether it
 * was unexpected (to be logged). Nothing while the bot is stopping: the sign-in stays kept and the
 * next start tells its outcome.
 */
export function signInFailure(err: unknown, botStopping: AbortSignal): { said: string; unexpected: boolean } | undefined {
  if (botStopping.aborted && err instanceof TernError && err.code === 'INTERRUPTED') return undefined;
  if (err instanceof FormErrors) return { said: Object.values(err.errors).join(' '), unexpected: false };
  if (err instanceof TernError) return { said: err.userMessage, unexpected: false };
  return { said: 'Something went wrong on our side; it has been logged.', unexpected: true };
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
