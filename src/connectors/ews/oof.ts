import { DateTime, OofExternalAudience, OofReply, OofSettings, OofState, TimeWindow } from 'ews-javascript-api';
import { TernError } from '../../errors';
import type { OofData } from '../../ports/pim-items';
import type { EwsContext } from './session';
import { iso } from './messages';

/** Automatic replies (Get/SetUserOofSettings), addressed by the mailbox's SMTP address. */

export async function readOof(ctx: EwsContext): Promise<OofData> {
  const s = await ctx.call('reading the automatic replies', () => ctx.service.GetUserOofSettings(ctx.mailbox));
  const data: OofData = {
    state: (OofState[s.State] ?? 'Disabled') as OofData['state'],
    externalAudience: (OofExternalAudience[s.ExternalAudience] ?? 'None') as OofData['externalAudience'],
    internalReply: s.InternalReply?.Message ?? '',
    externalReply: s.ExternalReply?.Message ?? '',
  };
  // Exchange keeps a window whatever the state; it only means something when Scheduled.
  if (data.state === 'Scheduled' && s.Duration) {
    const start = iso(s.Duration.StartTime);
    const end = iso(s.Duration.EndTime);
    if (start) data.start = start;
    if (end) data.end = end;
  }
  return data;
}

export async function writeOof(ctx: EwsContext, oof: OofData): Promise<void> {
  const s = new OofSettings();
  s.State = OofState[oof.state];
  s.ExternalAudience = OofExternalAudience[oof.externalAudience];
  s.InternalReply = new OofReply(oof.internalReply);
  s.ExternalReply = new OofReply(oof.externalReply);
  if (oof.state === 'Scheduled') {
    if (!oof.start || !oof.end) {
      throw new TernError('PROTOCOL_ERROR', `Scheduled automatic replies for ${ctx.mailbox} need a start and an end; the source gave none.`);
    }
    s.Duration = new TimeWindow(new DateTime(Date.parse(oof.start)), new DateTime(Date.parse(oof.end)));
  }
  await ctx.call('setting the automatic replies', () => ctx.service.SetUserOofSettings(ctx.mailbox, s));
}
