/** What autodetection found for an address: server settings, each with where it came from. */
export type DetectedProtocol = 'imap' | 'pop3' | 'ews';
export type DetectionSource = 'preset' | 'autoconfig' | 'srv' | 'autodiscover' | 'guess';
export type Confidence = 'high' | 'medium' | 'low';

export interface Candidate {
  protocol: DetectedProtocol;
  /** IMAP/POP3 server; for EWS the host of `ewsUrl`. */
  host: string;
  port: number;
  /** TLS from the first byte (993/995/HTTPS); false: plain TCP with STARTTLS when offered. */
  secure: boolean;
  /** EWS endpoint, for Exchange. */
  ewsUrl?: string;
  /** The login to use when it is not the address itself (autoconfig %EMAILLOCALPART%…). */
  username?: string;
  source: DetectionSource;
  /** Human-readable origin: "preset Gmail (domain gmail.com)", "autoconfig https://…", … */
  detail: string;
  confidence: Confidence;
  /** The built-in OAuth2 issuer the server signs in with (a Microsoft or Google server): OAuth2 is chosen over a password. */
  oauth?: 'microsoft' | 'google';
}

export interface Detection {
  email: string;
  domain: string;
  /** Best first. */
  candidates: Candidate[];
  /** Things the user should know: a redirect not followed, a provider needing an app password… */
  notes: string[];
}
