// What every operation handler gets: the acting mailbox (the login's own, or the impersonated
// one), the operation element, the SOAP header bits that matter, and the server's limits.
import type { MailboxStore } from '../store';

export interface OpContext {
  mailbox: MailboxStore;
  login: string;
  /** The m:* operation element (m:GetItem …). */
  body: Element;
  /** t:TimeZoneContext/t:TimeZoneDefinition, when the request sent one. */
  timeZoneContext?: Element;
  /** Most items/folders one Find* returns. */
  pageLimit: number;
  /** The SMTP addresses of every mailbox on the server (ResolveNames' directory). */
  directory(): string[];
}

/** Returns the XML of the response body element (m:GetItemResponse …). */
export type OpHandler = (ctx: OpContext) => string;
