import { EwsServiceXmlWriter } from 'ews-javascript-api';

/**
 * ews-javascript-api 0.15.3 writes element text and attribute values into its SOAP as they are,
 * unescaped: a subject "Tom & Jerry", an HTML body, an out-of-office reply or a category "<b>"
 * makes the request invalid XML (Exchange answers ErrorSchemaValidation). Its writer has exactly
 * two places where values enter the document, WriteValue and WriteAttributeString; both are made
 * to escape here, once per process. Every value they get is plain text (dates, ids, base64,
 * strings), so escaping is always right, and harmless for values without special characters.
 * Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR) are dropped: Exchange
 * refuses a request that has them, and they carry nothing a mailbox needs. Attribute values keep
 * entity references as they are (see escapeLibraryAttribute).
 */

const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeText(value: string): string {
  return value.replace(INVALID_XML_CHARS, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

/**
 * Attribute values of the library's own tables come escaped already (time zone names such as
 * "Pacific Time (US &amp; Canada)"): an entity reference is kept as it is, any other "&" escaped.
 */
function escapeLibraryAttribute(value: string): string {
  return value
    .replace(INVALID_XML_CHARS, '')
    .replace(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

type WriterProto = {
  WriteValue(value: unknown, name: unknown): void;
  WriteAttributeString(...args: unknown[]): void;
  __ternEscaping?: boolean;
};

const proto = EwsServiceXmlWriter.prototype as unknown as WriterProto;
if (!proto.__ternEscaping) {
  const writeValue = proto.WriteValue;
  const writeAttribute = proto.WriteAttributeString;
  proto.WriteValue = function (this: unknown, value: unknown, name: unknown) {
    return writeValue.call(this, typeof value === 'string' ? escapeText(value) : value, name);
  };
  proto.WriteAttributeString = function (this: unknown, ...args: unknown[]) {
    // (localName, value) or (prefix, localName, value): the value is always the last argument.
    const last = args.length - 1;
    if (last >= 1 && typeof args[last] === 'string') args[last] = escapeLibraryAttribute(args[last] as string);
    return writeAttribute.apply(this, args);
  };
  proto.__ternEscaping = true;
}
