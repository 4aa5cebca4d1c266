import type { OofData } from '../../ports/pim-items';
import { fromGraphTime, type GraphDateTime } from './times';

/** Automatic replies between the neutral shape and mailboxSettings.automaticRepliesSetting. */
const STATE: Record<OofData['state'], string> = { Disabled: 'disabled', Enabled: 'alwaysEnabled', Scheduled: 'scheduled' };
const AUDIENCE: Record<OofData['externalAudience'], string> = { None: 'none', Known: 'contactsOnly', All: 'all' };

export interface GraphAutoReplies {
  status?: string;
  externalAudience?: string;
  internalReplyMessage?: string | null;
  externalReplyMessage?: string | null;
  scheduledStartDateTime?: GraphDateTime | null;
  scheduledEndDateTime?: GraphDateTime | null;
}

const utc = (iso: string): GraphDateTime => ({ dateTime: new Date(iso).toISOString().slice(0, 19), timeZone: 'UTC' });
const key = <T extends string>(map: Record<T, string>, value: string | undefined, fallback: T) => (Object.entries(map).find(([, v]) => v === value)?.[0] as T | undefined) ?? fallback;

export function toGraphAutoReplies(oof: OofData): GraphAutoReplies {
  const out: GraphAutoReplies = { status: STATE[oof.state], externalAudience: AUDIENCE[oof.externalAudience], internalReplyMessage: oof.internalReply, externalReplyMessage: oof.externalReply };
  if (oof.state === 'Scheduled' && oof.start && oof.end) Object.assign(out, { scheduledStartDateTime: utc(oof.start), scheduledEndDateTime: utc(oof.end) });
  return out;
}

export function fromGraphAutoReplies(g: GraphAutoReplies): OofData {
  const oof: OofData = { state: key(STATE, g.status, 'Disabled'), externalAudience: key(AUDIENCE, g.externalAudience, 'None'), internalReply: g.internalReplyMessage ?? '', externalReply: g.externalReplyMessage ?? '' };
  // Exchange keeps a window whatever the state; it only means something when Scheduled.
  if (oof.state === 'Scheduled') {
    const start = fromGraphTime(g.scheduledStartDateTime);
    const end = fromGraphTime(g.scheduledEndDateTime);
    if (start) oof.start = start;
    if (end) oof.end = end;
  }
  return oof;
}
