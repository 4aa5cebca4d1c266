import type { PSTMessage } from 'pst-extractor';
import type { PSTAppointment } from 'pst-extractor/dist/PSTAppointment.class';
import { chooseBody, bodySourcesOf } from './body';
import { embeddedMessageOf, iso, namedBinary, namedDate, namedString, PSETID_APPOINTMENT, safe } from './props';
import { attachmentCount, recipientsOf } from './tables';

/**
 * What an appointment holds beyond pst-extractor's getters: its recipients (attendees with
 * addresses), the time zone definitions Outlook 2007+ writes, and the exception messages of a
 * recurring series (attachments holding a modified occurrence's own body). Reader-thread only.
 */

export interface PstAttendee {
  name?: string;
  address?: string;
  addressType?: string;
  /** PidTagRecipientType: 1 required (To), 2 optional (Cc), 3 resource (Bcc). */
  type: number;
  /** recipOrganizer (PidTagRecipientFlags 0x0002): the organizer's own row. */
  organizer: boolean;
}

/** A modified occurrence as its exception attachment stores it (times UTC). */
export interface PstException {
  /** PidLidExceptionReplaceTime: where the occurrence was in the series. */
  originalStart?: string;
  start?: string;
  end?: string;
  subject?: string;
  location?: string;
  body?: string;
  bodyHtml?: string;
}

const PID_LID_EXCEPTION_REPLACE_TIME = 0x8228;
const PID_LID_TZ_DEFINITION_START = 0x825e;
const PID_LID_TZ_DEFINITION_END = 0x825f;
const PID_LID_TZ_DEFINITION_RECUR = 0x8260;
const PID_LID_TIME_ZONE_DESCRIPTION = 0x8234;
const RECIP_ORGANIZER = 0x0002;
/** Exception embedded messages: IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}. */
const EXCEPTION_CLASS = /^IPM\.OLE\.CLASS\.\{00061055-/i;

export function attendeesOf(msg: PSTMessage): PstAttendee[] {
  const out: PstAttendee[] = [];
  for (const r of recipientsOf(msg)) {
    const addressType = r.addrType || undefined;
    const address = safe(() => r.smtpAddress) || r.emailAddress || undefined;
    out.push({ name: r.displayName || undefined, address, addressType, type: r.recipientType, organizer: (r.recipientFlags & RECIP_ORGANIZER) !== 0 });
  }
  return out;
}

/** An item's body as body.ts chooses it (HTML, HTML from its RTF, plain), for Exchange: HTML or text. */
export function bodiesOf(msg: PSTMessage): { body?: string; bodyHtml?: string } {
  const chosen = chooseBody(bodySourcesOf(msg));
  return { body: chosen.text || undefined, bodyHtml: chosen.html };
}

export function timeZoneFieldsOf(a: PSTAppointment) {
  const b64 = (lid: number) => safe(() => namedBinary(a, lid, PSETID_APPOINTMENT)?.toString('base64')) || undefined;
  return {
    timeZone: safe(() => namedString(a, PID_LID_TIME_ZONE_DESCRIPTION, PSETID_APPOINTMENT)) || undefined,
    timeZoneStruct: safe(() => a.timezone?.toString('base64')) || undefined,
    timeZoneStartDisplay: b64(PID_LID_TZ_DEFINITION_START),
    timeZoneEndDisplay: b64(PID_LID_TZ_DEFINITION_END),
    timeZoneRecur: b64(PID_LID_TZ_DEFINITION_RECUR),
  };
}

/** The exception messages of a recurring series, one per modified occurrence. */
export function exceptionsOf(msg: PSTMessage): PstException[] {
  const out: PstException[] = [];
  const count = attachmentCount(msg);
  for (let i = 0; i < count; i++) {
    const att = safe(() => msg.getAttachment(i));
    const inner = att && (embeddedMessageOf(msg, att) as PSTAppointment | undefined);
    if (!inner || !EXCEPTION_CLASS.test(inner.messageClass || '')) continue;
    out.push({
      originalStart: iso(safe(() => namedDate(inner, PID_LID_EXCEPTION_REPLACE_TIME, PSETID_APPOINTMENT))),
      start: iso(safe(() => inner.startTime)),
      end: iso(safe(() => inner.endTime)),
      subject: inner.subject || undefined,
      location: safe(() => inner.location) || undefined,
      ...safe(() => bodiesOf(inner)),
    });
  }
  return out;
}

