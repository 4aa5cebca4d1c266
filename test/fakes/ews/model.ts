// In-memory shapes of one mailbox's content. Items keep the property elements the client sent
// (t:Subject, t:Start, t:EmailAddresses …) keyed by local name; the server-computed ones (ids,
// ItemClass, sizes, dates, occurrence lists …) are produced when the item is served (render.ts).

export type ItemKind = 'Message' | 'Contact' | 'DistributionList' | 'CalendarItem' | 'Task';
export const ITEM_KINDS: readonly ItemKind[] = ['Message', 'Contact', 'DistributionList', 'CalendarItem', 'Task'];

export interface ExtProp {
  /** Normalized identity, e.g. "0x0E07", "PublicStrings:X-Tern-Id", "{guid}:#0x8501" (see extended.ts). */
  key: string;
  /** MAPI type as sent: Integer, String, SystemTime, Boolean, StringArray … */
  type: string;
  value: string | string[];
}

export interface ExceptionRec {
  /** Properties changed on this occurrence (Start/End included when moved). */
  props: Map<string, Element>;
  ext: Map<string, ExtProp>;
  version: number;
  modified: Date;
}

export interface StoredItem {
  n: number;
  kind: ItemKind;
  folder: number;
  props: Map<string, Element>;
  ext: Map<string, ExtProp>;
  mime?: Buffer;
  mimeCharset?: string;
  /** Messages: PR_MESSAGE_FLAGS' MSGFLAG_UNSENT (a CreateItem without 0x0E07 = 1 is a draft). */
  isDraft: boolean;
  /** MIME messages: whether the MIME carries attachments (those are not served as t:Attachments). */
  hasAttachments: boolean;
  /** File attachments (CreateItem's t:Attachments, CreateAttachment), in the order they were added. */
  attachments: StoredAttachment[];
  received: Date;
  sent?: Date;
  created: Date;
  modified: Date;
  version: number;
  /** The CreateItem attributes the request carried (tests assert SendToNone). */
  createdWith: { messageDisposition?: string; sendMeetingInvitations?: string };
  /** Calendar: the zone occurrences are computed in (StartTimeZone, else the request's TimeZoneContext). */
  zone?: Element;
  exceptions: Map<number, ExceptionRec>;
  deleted: Set<number>;
}

/** A t:FileAttachment as stored: what the client sent, the content decoded. */
export interface StoredAttachment {
  /** Mailbox-wide counter, part of the AttachmentId. */
  n: number;
  name: string;
  /** As sent; absent when the client gave none (served from the name's extension then). */
  contentType?: string;
  contentId?: string;
  contentLocation?: string;
  isInline: boolean;
  isContactPhoto: boolean;
  content: Buffer;
  modified: Date;
}

export interface StoredFolder {
  n: number;
  parent?: number;
  displayName: string;
  folderClass: string;
  distinguishedId?: string;
  ext: Map<string, ExtProp>;
  version: number;
}

export interface StoredRule {
  id: string;
  /** The t:Rule element as sent, without RuleId (added when served). */
  rule: Element;
}

export interface OofSettings {
  state: 'Disabled' | 'Enabled' | 'Scheduled';
  externalAudience: 'None' | 'Known' | 'All';
  start?: string;
  end?: string;
  internalReply: string;
  externalReply: string;
}
