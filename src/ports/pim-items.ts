/**
 * Neutral shapes of the non-mail items Tern moves (contacts, contact groups, calendar events,
 * tasks, inbox rules, out-of-office settings). Sources (Exchange, PST) read into them and
 * destinations (Exchange) write from them, so any source pairs with any destination. Plain,
 * JSON-safe data: dates are ISO 8601 strings (UTC, "Z"), all-day and date-only values
 * "YYYY-MM-DD".
 */

export type PimKind = 'contact' | 'group' | 'event' | 'task';

export interface PimBase {
  /** Stable at the source (EWS ItemId, PST node ID): journaled and stamped on the copy for re-runs. */
  sourceId: string;
  /** Source folder path below the folder root, "/"-joined ("Contacts", "Contacts/Work"). */
  folder: string;
  subject?: string;
  body?: { type: 'text' | 'html'; content: string };
  categories: string[];
  importance?: 'Low' | 'Normal' | 'High';
  sensitivity?: 'Normal' | 'Personal' | 'Private' | 'Confidential';
  /**
   * The item's file attachments, in order, content as base64 (an agenda PDF on a meeting, a
   * document on a task). File attachments only: item attachments (embedded Outlook items) are not
   * carried. A contact's photo is ContactData.photo, never repeated here. `contentId`/`isInline`
   * keep pictures an HTML body shows. Left out when there are none.
   */
  attachments?: Array<{ name: string; contentType?: string; base64: string; contentId?: string; isInline?: boolean }>;
  /**
   * The item as its source keeps it, when that is a standard format (a CalDAV calendar object, a
   * CardDAV vCard): a destination that speaks the same format writes it as it is, losing nothing.
   */
  native?: { format: 'icalendar' | 'vcard'; text: string };
  /** What of the source item these shapes cannot carry (property names): reported when it is left behind. */
  unmapped?: string[];
  /** The item's iCalendar/vCard UID at a DAV source: a destination already holding that UID has the item. */
  uid?: string;
}

export type PhoneKey =
  | 'BusinessPhone'
  | 'BusinessPhone2'
  | 'BusinessFax'
  | 'HomePhone'
  | 'HomePhone2'
  | 'HomeFax'
  | 'MobilePhone'
  | 'OtherTelephone'
  | 'OtherFax'
  | 'Pager'
  | 'CarPhone'
  | 'AssistantPhone'
  | 'CompanyMainPhone'
  | 'PrimaryPhone'
  | 'Callback'
  | 'Isdn'
  | 'RadioPhone'
  | 'Telex'
  | 'TtyTddPhone';

export interface PostalAddress {
  street?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
}

export interface ContactData extends PimBase {
  kind: 'contact';
  displayName?: string;
  fileAs?: string;
  givenName?: string;
  middleName?: string;
  surname?: string;
  nickname?: string;
  initials?: string;
  /** Name suffix (Jr., III). */
  generation?: string;
  companyName?: string;
  department?: string;
  jobTitle?: string;
  officeLocation?: string;
  manager?: string;
  assistantName?: string;
  profession?: string;
  spouseName?: string;
  emails: Array<{ key: 'EmailAddress1' | 'EmailAddress2' | 'EmailAddress3'; address: string; name?: string }>;
  phones: Partial<Record<PhoneKey, string>>;
  addresses: Partial<Record<'Business' | 'Home' | 'Other', PostalAddress>>;
  imAddresses: Partial<Record<'ImAddress1' | 'ImAddress2' | 'ImAddress3', string>>;
  /** "YYYY-MM-DD". */
  birthday?: string;
  anniversary?: string;
  businessHomePage?: string;
  /** The contact's picture, when it has one. */
  photo?: { name: string; contentType: string; base64: string };
}

export interface GroupMember {
  name?: string;
  address?: string;
  /** "SMTP" for plain addresses. */
  routingType?: string;
  /** When the member is a contact of the same mailbox: that contact's sourceId, re-pointed at its copy. */
  contactSourceId?: string;
}

export interface GroupData extends PimBase {
  kind: 'group';
  displayName: string;
  members: GroupMember[];
}

export type DayOfWeek = 'Sunday' | 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Day' | 'Weekday' | 'WeekendDay';
export type WeekIndex = 'First' | 'Second' | 'Third' | 'Fourth' | 'Last';
export type Month = 'January' | 'February' | 'March' | 'April' | 'May' | 'June' | 'July' | 'August' | 'September' | 'October' | 'November' | 'December';

export type RecurrencePattern =
  | { type: 'daily'; interval: number }
  | { type: 'weekly'; interval: number; daysOfWeek: DayOfWeek[]; firstDayOfWeek?: DayOfWeek }
  | { type: 'absoluteMonthly'; interval: number; dayOfMonth: number }
  | { type: 'relativeMonthly'; interval: number; dayOfWeek: DayOfWeek; index: WeekIndex }
  | { type: 'absoluteYearly'; month: Month; dayOfMonth: number }
  | { type: 'relativeYearly'; month: Month; dayOfWeek: DayOfWeek; index: WeekIndex }
  /** Tasks only: the next one is due `interval` units after the previous one is completed. */
  | { type: 'regenerating'; unit: 'daily' | 'weekly' | 'monthly' | 'yearly'; interval: number };

export interface Recurrence {
  pattern: RecurrencePattern;
  /** "YYYY-MM-DD". */
  startDate: string;
  end: { type: 'noEnd' } | { type: 'numbered'; count: number } | { type: 'endDate'; endDate: string };
}

export interface Attendee {
  name?: string;
  address: string;
}

/** What an occurrence of a recurring event changed; fields left out are the master's. */
export interface ModifiedOccurrence {
  /** Where the occurrence was in the pattern (ISO, UTC). */
  originalStart: string;
  start: string;
  end: string;
  subject?: string;
  location?: string;
  body?: { type: 'text' | 'html'; content: string };
}

export interface EventData extends PimBase {
  kind: 'event';
  start: string;
  end: string;
  isAllDay: boolean;
  location?: string;
  /** Windows time zone IDs ("W. Europe Standard Time"), as Exchange names them. */
  startTimeZone?: string;
  endTimeZone?: string;
  reminderSet: boolean;
  reminderMinutes?: number;
  busyStatus?: 'Free' | 'Tentative' | 'Busy' | 'OOF' | 'WorkingElsewhere' | 'NoData';
  /** Kept as data only: nobody is invited or notified by an import. */
  organizer?: Attendee;
  requiredAttendees: Attendee[];
  optionalAttendees: Attendee[];
  resources: Attendee[];
  isMeeting: boolean;
  recurrence?: Recurrence;
  modifiedOccurrences: ModifiedOccurrence[];
  /** Original starts (ISO, UTC) of the occurrences that were deleted. */
  deletedOccurrences: string[];
}

export interface TaskData extends PimBase {
  kind: 'task';
  /** Task dates are days ("YYYY-MM-DD"), as Outlook and Exchange keep them. */
  startDate?: string;
  dueDate?: string;
  completeDate?: string;
  status: 'NotStarted' | 'InProgress' | 'Completed' | 'WaitingOnOthers' | 'Deferred';
  /** 0 to 100. */
  percentComplete: number;
  recurrence?: Recurrence;
  reminderSet: boolean;
  reminderDueBy?: string;
  owner?: string;
  totalWorkMinutes?: number;
  actualWorkMinutes?: number;
  mileage?: string;
  billingInformation?: string;
  companies: string[];
}

export type PimItem = ContactData | GroupData | EventData | TaskData;

/**
 * A server-side inbox rule. Conditions, exceptions and actions keep the EWS element names
 * (camel-cased: `containsSubjectStrings`, `moveToFolder`, …) as JSON; folder references in them
 * are paths of the account's mail folder tree (as the mail ports name folders), so they are
 * re-mapped to the destination's folders the way e-mails are.
 */
export interface RuleData {
  displayName: string;
  priority: number;
  isEnabled: boolean;
  conditions: Record<string, unknown>;
  exceptions: Record<string, unknown>;
  actions: Record<string, unknown>;
}

/** Rule actions that name a folder. */
const FOLDER_ACTIONS = ['moveToFolder', 'copyToFolder'];

/** The rule with each folder it names replaced by `map(path)`. */
export async function mapRuleFolders(rule: RuleData, map: (path: string) => Promise<string>): Promise<RuleData> {
  const actions: Record<string, unknown> = { ...rule.actions };
  for (const name of FOLDER_ACTIONS) {
    if (typeof actions[name] === 'string') actions[name] = await map(actions[name] as string);
  }
  return { ...rule, actions };
}

export interface OofData {
  state: 'Disabled' | 'Enabled' | 'Scheduled';
  externalAudience: 'None' | 'Known' | 'All';
  /** ISO, for the Scheduled state. */
  start?: string;
  end?: string;
  internalReply: string;
  externalReply: string;
}
