import type { TernService } from '../src/service/service';
import { bestOf, type Candidate, type Detection } from '../src/connectors/autodetect';
import { CONNECTORS, byFormType, detectableFor } from '../src/connectors/registry';
import type { AccountFields, Side } from './migrate-form';

/** `tern detect` and the forms' **Detect settings**: candidates best first, each with its origin. */
export async function detect(service: TernService, req: { email: string; password?: string }): Promise<Detection> {
  return service.detect(req.email, req.password);
}

export function candidateLine(c: Candidate): string {
  const where = c.ewsUrl ?? `${c.host}:${c.port}${c.secure ? ' (TLS)' : ' (STARTTLS when offered)'}`;
  const oauth = c.oauth ? `, signs in with OAuth2 (${c.oauth === 'microsoft' ? 'Microsoft' : 'Google'})` : '';
  return `${c.protocol.toUpperCase()} ${where}${c.username ? `, login ${c.username}` : ''}${oauth} — ${c.detail}, ${c.confidence} confidence`;
}

/**
 * Fills a form side from a detection: the best candidate of the chosen server type (IMAP, then
 * POP3 for a source, when the type is Autodetect). What the user typed stays, the password too
 * (the adapter decides what it may send back). Returns the fields and a line saying where they came from.
 */
export function fillFromDetection(fields: AccountFields, detection: Detection, side: Side): { fields: AccountFields; said: string } {
  const chosen = byFormType(fields.type ?? 'auto');
  const best = bestOf(detection, chosen ? [chosen.protocol] : detectableFor(side));
  if (!best) {
    return { fields, said: `Nothing found for ${detection.domain}. ${detection.notes.join(' ')}`.trim() };
  }
  const filled: AccountFields = {
    ...fields,
    type: CONNECTORS[best.protocol].form?.type ?? best.protocol,
    host: best.ewsUrl ?? best.host,
    port: String(best.port),
    tls: best.secure,
    login: best.username ?? fields.login,
  };
  return { fields: filled, said: `Found ${candidateLine(best)}.` };
}
