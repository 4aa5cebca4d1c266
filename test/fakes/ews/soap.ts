// The SOAP 1.1 framing Exchange answers with: an h:ServerVersionInfo header, a body element in
// m: with t: declared, response messages with ResponseClass/ResponseCode, and SOAP faults (HTTP
// 500) for request-level failures, detail in the …/2006/errors namespace as Exchange sends it.
import { NS, esc } from './xml';

/** What the fake claims to be: Exchange 2013 SP1 (15.0.847). */
const SERVER_VERSION = { MajorVersion: 15, MinorVersion: 0, MajorBuildNumber: 847, MinorBuildNumber: 32, Version: 'Exchange2013_SP1' };

export const MESSAGE_TEXT: Record<string, string> = {
  ErrorItemNotFound: 'The specified object was not found in the store.',
  ErrorFolderNotFound: 'The specified folder could not be found in the store.',
  ErrorParentFolderNotFound: 'The parent folder could not be found in the store.',
  ErrorSavedItemFolderNotFound: 'The folder to save the item to could not be found.',
  ErrorToFolderNotFound: 'The destination folder could not be found.',
  ErrorInvalidIdMalformed: 'Id is malformed.',
  ErrorFolderExists: 'A folder with the specified name already exists.',
  ErrorDeleteDistinguishedFolder: 'Distinguished folders cannot be deleted.',
  ErrorMoveDistinguishedFolder: 'Distinguished folders cannot be moved.',
  ErrorServerBusy: 'The server cannot service this request right now. Try again later.',
  ErrorImpersonateUserDenied: 'The account does not have permission to impersonate the requested user.',
  ErrorNonExistentMailbox: 'The SMTP address has no mailbox associated with it.',
  ErrorAccessDenied: 'Access is denied. Check credentials and try again.',
  ErrorInvalidPropertyRequest: 'The property is not valid for this object type or this request.',
  ErrorInvalidPropertySet: 'Set action is invalid for property.',
  ErrorIrresolvableConflict: 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
  ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange: 'The occurrence index is out of recurrence range.',
  ErrorCalendarOccurrenceIsDeletedFromRecurrence: 'Occurrence with this index was previously deleted from the recurrence.',
  ErrorRecurrenceHasNoOccurrence: 'The recurrence pattern has no occurrences in the specified range.',
  ErrorInboxRulesValidationError: 'A validation error occurred while executing the rule operation.',
  ErrorOutlookRuleBlobExists: 'An Outlook rule blob exists on the mailbox. Set RemoveOutlookRuleBlob to true to remove it.',
  ErrorNameResolutionNoResults: 'No results were found.',
  ErrorInvalidRequest: 'The request is invalid.',
  ErrorInvalidOperation: 'The operation is not valid for this object.',
  ErrorObjectValidationFailed: 'The object failed validation.',
  ErrorInternalServerError: 'An internal server error occurred. The operation failed.',
  ErrorInvalidExchangeImpersonationHeaderData: 'The impersonation header is not valid.',
};

/** A per-response-message failure (ResponseClass="Error"), e.g. one item of several not found. */
export class EwsError extends Error {
  constructor(
    readonly code: string,
    message: string = MESSAGE_TEXT[code] ?? code,
    /** Extra elements after DescriptiveLinkKey/MessageXml: e.g. the empty m:Items a GetItem error carries. */
    readonly messageXml?: string,
  ) {
    super(message);
  }
}

/** A request-level failure answered as a SOAP fault with HTTP 500. */
export class SoapFault extends Error {
  constructor(
    readonly code: string,
    message: string = MESSAGE_TEXT[code] ?? code,
    /** Inner XML of t:MessageXml in the fault detail. */
    readonly messageXml?: string,
  ) {
    super(message);
  }
}

export function envelope(body: string): string {
  const v = Object.entries(SERVER_VERSION).map(([k, val]) => ` ${k}="${val}"`).join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}"><s:Header>` +
    `<h:ServerVersionInfo${v} xmlns:h="${NS.t}" xmlns="${NS.t}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="${NS.xsi}"/>` +
    `</s:Header><s:Body xmlns:xsi="${NS.xsi}" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${body}</s:Body></s:Envelope>`
  );
}

/** `<m:{name} xmlns:m xmlns:t>inner</m:{name}>`: the body element of every response. */
export function responseRoot(name: string, inner: string): string {
  return `<m:${name} xmlns:m="${NS.m}" xmlns:t="${NS.t}">${inner}</m:${name}>`;
}

/** One response message; `inner` follows ResponseCode (Success) or DescriptiveLinkKey (Error). */
export function success(name: string, inner = ''): string {
  return `<m:${name} ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}</m:${name}>`;
}

export function failure(name: string, err: EwsError, inner = ''): string {
  return (
    `<m:${name} ResponseClass="Error"><m:MessageText>${esc(err.message)}</m:MessageText>` +
    `<m:ResponseCode>${err.code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>` +
    `${err.messageXml ? `<m:MessageXml>${err.messageXml}</m:MessageXml>` : ''}${inner}</m:${name}>`
  );
}

/** Runs `fn` for one response message, turning an EwsError into ResponseClass="Error". */
export function message(name: string, fn: () => string, errorInner = ''): string {
  try {
    return success(name, fn());
  } catch (e) {
    if (e instanceof EwsError) return failure(name, e, errorInner);
    throw e;
  }
}

export function faultXml(f: SoapFault): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}"><s:Body><s:Fault>` +
    `<faultcode xmlns:a="${NS.t}">a:${f.code}</faultcode>` +
    `<faultstring xml:lang="en-US">${esc(f.message)}</faultstring><detail>` +
    `<e:ResponseCode xmlns:e="${NS.e}">${f.code}</e:ResponseCode>` +
    `<e:Message xmlns:e="${NS.e}">${esc(f.message)}</e:Message>` +
    (f.messageXml ? `<t:MessageXml xmlns:t="${NS.t}">${f.messageXml}</t:MessageXml>` : '') +
    `</detail></s:Fault></s:Body></s:Envelope>`
  );
}

/** ErrorServerBusy as Exchange 2013+ sends it: the back-off is a t:Value in MessageXml. */
export function serverBusy(backOffMs: number): SoapFault {
  return new SoapFault('ErrorServerBusy', undefined, `<t:Value Name="BackOffMilliseconds">${Math.max(0, Math.round(backOffMs))}</t:Value>`);
}

export function schemaFault(violation: string, line = 1, position = 1): SoapFault {
  return new SoapFault(
    'ErrorSchemaValidation',
    `The request failed schema validation: ${violation}`,
    `<t:LineNumber>${line}</t:LineNumber><t:LinePosition>${position}</t:LinePosition><t:Violation>${esc(violation)}</t:Violation>`,
  );
}
