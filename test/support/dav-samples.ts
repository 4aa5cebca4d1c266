// Calendar objects and vCards as CalDAV/CardDAV clients write them, for seeding a Radicale.
import type { RadicaleServer } from './radicale';

const lines = (...l: string[]) => l.join('\r\n') + '\r\n';

const BERLIN = lines(
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
).trimEnd();

/** A weekly meeting in Berlin time: Mondays and Wednesdays 09:00-10:00, ten times, one moved, one cancelled; an alarm; attendees. */
export const WEEKLY_MEETING = lines(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Test//Client//EN',
  BERLIN,
  'BEGIN:VEVENT',
  'UID:weekly-1@test',
  'DTSTAMP:20240101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20240304T090000',
  'DTEND;TZID=Europe/Berlin:20240304T100000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10',
  'EXDATE;TZID=Europe/Berlin:20240306T090000',
  'SUMMARY:Team sync',
  'LOCATION:Room 4',
  'DESCRIPTION:Weekly status',
  'CATEGORIES:Work,Team',
  'PRIORITY:1',
  'ORGANIZER;CN=Alice:mailto:alice@example.test',
  'ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT:mailto:bob@example.test',
  'ATTENDEE;CN=Carol;ROLE=OPT-PARTICIPANT:mailto:carol@example.test',
  'ATTENDEE;CUTYPE=RESOURCE;CN=Projector:mailto:projector@example.test',
  'X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'DESCRIPTION:Team sync',
  'TRIGGER:-PT15M',
  'END:VALARM',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly-1@test',
  'DTSTAMP:20240101T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20240311T090000',
  'DTSTART;TZID=Europe/Berlin:20240311T140000',
  'DTEND;TZID=Europe/Berlin:20240311T150000',
  'SUMMARY:Team sync (moved)',
  'END:VEVENT',
  'END:VCALENDAR',
);

export const ALL_DAY = lines(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Test//Client//EN',
  'BEGIN:VEVENT',
  'UID:holiday-1@test',
  'DTSTAMP:20240101T000000Z',
  'DTSTART;VALUE=DATE:20240501',
  'DTEND;VALUE=DATE:20240502',
  'SUMMARY:Labour Day',
  'TRANSP:TRANSPARENT',
  'END:VEVENT',
  'END:VCALENDAR',
);

export const TODO = lines(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Test//Client//EN',
  'BEGIN:VTODO',
  'UID:todo-1@test',
  'DTSTAMP:20240101T000000Z',
  'SUMMARY:File the report',
  'DUE;VALUE=DATE:20240315',
  'DTSTART;VALUE=DATE:20240301',
  'STATUS:IN-PROCESS',
  'PERCENT-COMPLETE:40',
  'PRIORITY:9',
  'DESCRIPTION:Quarterly',
  'END:VTODO',
  'END:VCALENDAR',
);

/** A 1x1 JPEG-ish payload: the bytes only have to come through unchanged. */
export const PHOTO_BASE64 = Buffer.from('tern-photo-bytes-\u00ff\u00d8').toString('base64');

export const ANN_V3 = lines(
  'BEGIN:VCARD',
  'VERSION:3.0',
  'UID:ann-1@test',
  'FN:Ann Example',
  'N:Example;Ann;Marie;;Jr.',
  'ORG:Example Corp;Research',
  'TITLE:Chemist',
  'EMAIL;TYPE=INTERNET,WORK:ann@example.test',
  'EMAIL;TYPE=INTERNET,HOME:ann.home@example.test',
  'TEL;TYPE=WORK,VOICE:+1 555 0100',
  'TEL;TYPE=CELL:+1 555 0101',
  'TEL;TYPE=WORK,FAX:+1 555 0102',
  'ADR;TYPE=WORK:;;1 Main St;Springfield;IL;62701;USA',
  'BDAY:1985-04-12',
  'URL:https://example.test/ann',
  'NOTE:Met at the conference',
  'CATEGORIES:Friends',
  `PHOTO;ENCODING=b;TYPE=JPEG:${PHOTO_BASE64}`,
  'X-SOCIALPROFILE;TYPE=twitter:https://twitter.test/ann',
  'END:VCARD',
);

export const BEN_V4 = lines(
  'BEGIN:VCARD',
  'VERSION:4.0',
  'UID:urn:uuid:ben-2',
  'FN:Ben Sample',
  'N:Sample;Ben;;;',
  'EMAIL:ben@example.test',
  // Radicale 3.1 (vobject) cuts a data: URI photo at its comma: this form it keeps.
  `PHOTO;ENCODING=b;MEDIATYPE=image/png:${PHOTO_BASE64}`,
  'END:VCARD',
);

/** vCard 4 group: members by UID (one is Ann's, one a contact of the book) and a plain address. */
export const TEAM_V4 = lines(
  'BEGIN:VCARD',
  'VERSION:4.0',
  'UID:team-1@test',
  'KIND:group',
  'FN:Team',
  'MEMBER:urn:uuid:ann-1@test',
  'MEMBER:mailto:dave@example.test',
  'END:VCARD',
);

/** Apple's groups: vCard 3 with X-ADDRESSBOOKSERVER-KIND and -MEMBER. */
export const FRIENDS_APPLE = lines(
  'BEGIN:VCARD',
  'VERSION:3.0',
  'UID:friends-1@test',
  'N:Friends;;;;',
  'FN:Friends',
  'X-ADDRESSBOOKSERVER-KIND:group',
  'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:ann-1@test',
  'END:VCARD',
);

/** A vCard with a broken date: Radicale stores it, a strict reader (ical.js) cannot read it. */
export const BROKEN_VCF = lines('BEGIN:VCARD', 'VERSION:3.0', 'UID:broken-1@test', 'FN:Broken Date', 'BDAY:not-a-date', 'END:VCARD');

/** Puts the samples in `user`'s default calendar and address book, as a client would. */
export async function seedSamples(r: RadicaleServer, user: string, opts: { broken?: boolean } = {}): Promise<void> {
  const put = async (path: string, body: string, type: string) => {
    const res = await r.request(user, 'PUT', path, body, { 'Content-Type': type });
    if (res.status !== 201) throw new Error(`seeding ${path}: HTTP ${res.status} ${res.text}`);
  };
  await put(`/${user}/calendar/weekly-1.ics`, WEEKLY_MEETING, 'text/calendar');
  await put(`/${user}/calendar/holiday-1.ics`, ALL_DAY, 'text/calendar');
  await put(`/${user}/calendar/todo-1.ics`, TODO, 'text/calendar');
  await put(`/${user}/contacts/ann-1.vcf`, ANN_V3, 'text/vcard');
  await put(`/${user}/contacts/ben-2.vcf`, BEN_V4, 'text/vcard');
  await put(`/${user}/contacts/team-1.vcf`, TEAM_V4, 'text/vcard');
  await put(`/${user}/contacts/friends-1.vcf`, FRIENDS_APPLE, 'text/vcard');
  if (opts.broken) await put(`/${user}/contacts/broken-1.vcf`, BROKEN_VCF, 'text/vcard');
}
