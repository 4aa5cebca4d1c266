// GetUserOofSettingsRequest / SetUserOofSettingsRequest (note the odd element names, and the
// t:Mailbox / t:UserOofSettings children in the types namespace). Responses carry a single
// m:ResponseMessage, not a ResponseMessages list.
import type { OofSettings } from '../model';
import { EwsError, failure, responseRoot, success } from '../soap';
import type { MailboxStore } from '../store';
import { child, childText, esc, tEl } from '../xml';
import type { OpContext } from './context';

function target(ctx: OpContext): MailboxStore {
  const address = childText(child(ctx.body, 'Mailbox'), 'Address');
  if (!address || address.toLowerCase() !== ctx.mailbox.address.toLowerCase()) throw new EwsError('ErrorAccessDenied');
  return ctx.mailbox;
}

function settingsXml(o: OofSettings): string {
  const duration = o.start && o.end ? `<t:Duration>${tEl('StartTime', o.start)}${tEl('EndTime', o.end)}</t:Duration>` : '';
  return (
    `<t:OofSettings>${tEl('OofState', o.state)}${tEl('ExternalAudience', o.externalAudience)}${duration}` +
    `<t:InternalReply xml:lang="en-US"><t:Message>${esc(o.internalReply)}</t:Message></t:InternalReply>` +
    `<t:ExternalReply xml:lang="en-US"><t:Message>${esc(o.externalReply)}</t:Message></t:ExternalReply></t:OofSettings>`
  );
}

export function getUserOofSettings(ctx: OpContext): string {
  const name = 'GetUserOofSettingsResponse';
  try {
    const mb = target(ctx);
    return responseRoot(name, `${success('ResponseMessage')}${settingsXml(mb.oof)}<m:AllowExternalOof>All</m:AllowExternalOof>`);
  } catch (e) {
    if (e instanceof EwsError) return responseRoot(name, failure('ResponseMessage', e));
    throw e;
  }
}

const iso = (s: string) => new Date(Date.parse(s)).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function setUserOofSettings(ctx: OpContext): string {
  const name = 'SetUserOofSettingsResponse';
  try {
    const mb = target(ctx);
    const s = child(ctx.body, 'UserOofSettings');
    const duration = child(s, 'Duration');
    const next: OofSettings = {
      state: (childText(s, 'OofState') ?? 'Disabled') as OofSettings['state'],
      externalAudience: (childText(s, 'ExternalAudience') ?? 'All') as OofSettings['externalAudience'],
      internalReply: childText(child(s, 'InternalReply'), 'Message') ?? '',
      externalReply: childText(child(s, 'ExternalReply'), 'Message') ?? '',
    };
    if (duration) {
      next.start = iso(childText(duration, 'StartTime') ?? '');
      next.end = iso(childText(duration, 'EndTime') ?? '');
      if (Date.parse(next.end) <= Date.parse(next.start)) throw new EwsError('ErrorInvalidScheduledOofDuration', 'The scheduled OOF duration must end after it starts.');
    } else if (next.state === 'Scheduled') {
      if (!mb.oof.start) throw new EwsError('ErrorInvalidScheduledOofDuration', 'Scheduled OOF needs a Duration.');
      next.start = mb.oof.start;
      next.end = mb.oof.end;
    }
    mb.oof = next;
    return responseRoot(name, success('ResponseMessage'));
  } catch (e) {
    if (e instanceof EwsError) return responseRoot(name, failure('ResponseMessage', e));
    throw e;
  }
}
