import type { AccountCredentials } from '../../ports/account';
import type { WriteLane } from '../../ports/mail';
import { inMemory } from '../../ports/message-bytes';
import { TernError } from '../../errors';
import type { ImapSession } from './session';
import { imapError } from './imap-error';
import { appendMessage } from './messages';
import { AppendRefused, NotSent, type AppendPipe } from './append-pipe';
import { serverWords } from './server-words';
import { isProviderLimit, providerLimit } from './provider-limits';

/**
 * APPENDs on the wire together (LITERAL+): each answer comes back as soon as the server gives it.
 * A refused message (NO/BAD) fails alone; a lost connection fails the batch.
 */
export function pipelinedLane(pipe: AppendPipe, account: AccountCredentials): WriteLane {
  // Spooled (large) messages are streamed from their files into the APPEND literal.
  const writeStreamed: NonNullable<WriteLane['writeStreamed']> = async (folder, messages, answered, stop) => {
    const sent = messages.map((m, i) =>
      pipe.append(folder.path, m.raw, m.flags, m.internalDate, stop).then(
        (res) => answered(i, { id: res.uid === undefined ? undefined : String(res.uid), generation: res.uidValidity }),
        (err: unknown) => {
          // The run stopped before this one went on the wire: it stays unanswered.
          if (err instanceof NotSent) return;
          if (!(err instanceof AppendRefused)) throw err;
          // A provider's upload limit is not this message's fault: the batch waits and is tried again.
          if (isProviderLimit(err.responseText, err.code)) throw providerLimit(account, err.responseText);
          answered(i, { refused: err.responseText, code: err.code });
        },
      ),
    );
    const broken = (await Promise.allSettled(sent)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (broken) throw broken.reason;
  };
  return { write: writeStreamed, writeStreamed, close: () => pipe.close() };
}

/** One APPEND after the other on the session's own connection (servers without LITERAL+, or pipelining off). */
export function serialLane(client: ImapSession, account: AccountCredentials): WriteLane {
  return {
    async write(folder, messages, answered, stop) {
      for (const [i, m] of messages.entries()) {
        // The run stops: the rest stay unsent (and unanswered).
        if (stop?.aborted) return;
        try {
          const res = await appendMessage(client, folder.path, m.raw, m.flags, m.internalDate);
          answered(i, { id: res.uid === undefined ? undefined : String(res.uid), generation: res.uidValidity });
        } catch (err) {
          if (!isRefusal(err) || isProviderLimit((err as { responseText?: string }).responseText, (err as { serverResponseCode?: string }).serverResponseCode)) throw imapError(err, account);
          const e = err as { responseText?: string; serverResponseCode?: string };
          answered(i, { refused: serverWords(e.responseText) || 'refused', code: e.serverResponseCode });
        }
      }
    },
    close: async () => {},
  };
}

/** A NO/BAD answer to one APPEND (message too large, refused): that message fails, the step goes on. */
function isRefusal(err: unknown): boolean {
  if (err instanceof TernError) return false;
  const status = (err as { responseStatus?: string }).responseStatus;
  return status === 'NO' || status === 'BAD';
}

/**
 * A lane whose append pipe is still logging in: returned at once, so the pipe's connection and
 * login (three round trips) overlap the session's first commands instead of preceding them; a
 * pass that writes nothing (a re-run) never waits for it. The first write waits for the pipe;
 * a server without LITERAL+ (no pipe) gets the serial lane, given spooled messages in memory.
 * A pipe that fails to open fails the first write, as it failed opening the lane before.
 */
export function pendingPipeLane(opening: Promise<AppendPipe | undefined>, client: ImapSession, account: AccountCredentials): WriteLane {
  // Settled quietly here; the failure is thrown where the lane is used.
  const lane = opening.then((pipe) => (pipe ? pipelinedLane(pipe, account) : undefined));
  lane.catch(() => {});
  const serial = serialLane(client, account);
  const writeStreamed: NonNullable<WriteLane['writeStreamed']> = async (folder, messages, answered, stop) => {
    const pipelined = await lane;
    if (pipelined) return pipelined.writeStreamed!(folder, messages, answered, stop);
    const inMemoryOnes = await Promise.all(messages.map(async (m) => ({ ...m, raw: await inMemory(m.raw) })));
    return serial.write(folder, inMemoryOnes, answered, stop);
  };
  return {
    write: writeStreamed,
    writeStreamed,
    close: async () => {
      const pipelined = await lane.catch(() => undefined);
      await pipelined?.close();
    },
  };
}
