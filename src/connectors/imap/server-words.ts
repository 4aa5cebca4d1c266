/**
 * What an IMAP server said, for people: without the response code in brackets (kept apart as the
 * error's code) and without the timing Dovecot appends ("(0.001 + 0.000 secs)"), which would make
 * every answer look different.
 */
export function serverWords(text: string | undefined): string {
  return (text ?? '')
    .replace(/^\s*\[[^\]]*\]\s*/, '')
    .replace(/\s*\(\d+\.\d+( \+ \d+\.\d+)* secs\)\s*/g, ' ')
    .trim()
    .replace(/\.$/, '');
}

/** The RFC 5530 response code at the start of a server's text ("[OVERQUOTA] …"), when there is one. */
export function responseCode(text: string | undefined): string | undefined {
  return /^\s*\[([A-Z-]+)/i.exec(text ?? '')?.[1]?.toUpperCase();
}
