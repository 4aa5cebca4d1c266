/**
 * Well-known providers, as data: add one by adding an entry. A preset matches by the address's
 * domain, or by the domain's MX hosts (a custom domain hosted there). Sources: each provider's
 * published client settings.
 */
export interface PresetServer {
  protocol: 'imap' | 'pop3' | 'ews';
  host: string;
  port: number;
  secure: boolean;
  ewsUrl?: string;
}

export interface Preset {
  name: string;
  domains: string[];
  /** Matched against the domain's MX hosts (lower case, without the final dot). */
  mx: RegExp[];
  servers: PresetServer[];
  note?: string;
  /** The built-in OAuth2 issuer its servers sign in with (src/auth's presets): chosen over a password. */
  oauth?: 'microsoft' | 'google';
}

const imap = (host: string, port = 993, secure = true): PresetServer => ({ protocol: 'imap', host, port, secure });
const pop3 = (host: string, port = 995, secure = true): PresetServer => ({ protocol: 'pop3', host, port, secure });

export const PRESETS: Preset[] = [
  {
    name: 'OVH MX Plan',
    domains: [],
    mx: [/^mx[0-9]*\.mail\.ovh\.net$/],
    servers: [imap('ssl0.ovh.net'), pop3('ssl0.ovh.net')],
    note: 'OVH hosts MX Plan, Email Pro and Hosted Exchange behind the same MX: for Email Pro use proN.mail.ovh.net, for Hosted Exchange exN.mail.ovh.net (shown in the OVH control panel, or found by Exchange Autodiscover with the password).',
  },
  {
    name: 'OVH Email Pro',
    domains: [],
    mx: [/^mx[0-9]*\.mail\.ovh\.net$/],
    servers: [imap('pro1.mail.ovh.net')],
  },
  {
    name: 'Gmail / Google Workspace',
    domains: ['gmail.com', 'googlemail.com'],
    mx: [/(^|\.)aspmx\.l\.google\.com$/, /\.googlemail\.com$/, /^smtp\.google\.com$/],
    servers: [imap('imap.gmail.com'), pop3('pop.gmail.com')],
    note: 'Google signs in with OAuth2 (Sign in with Google); a password works only as an app password, with two-step verification on.',
    oauth: 'google',
  },
  {
    name: 'Outlook.com / Microsoft 365',
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'outlook.fr', 'hotmail.fr', 'live.fr', 'hotmail.co.uk'],
    mx: [/\.mail\.protection\.outlook\.com$/, /\.olc\.protection\.outlook\.com$/],
    servers: [imap('outlook.office365.com'), pop3('outlook.office365.com')],
    note: 'Microsoft 365 has switched password logins off for IMAP and POP3 in most tenants: it signs in with OAuth2 (Sign in with Microsoft).',
    oauth: 'microsoft',
  },
  {
    name: 'Yahoo Mail',
    domains: ['yahoo.com', 'yahoo.fr', 'yahoo.co.uk', 'ymail.com', 'rocketmail.com'],
    mx: [/\.yahoodns\.net$/],
    servers: [imap('imap.mail.yahoo.com'), pop3('pop.mail.yahoo.com')],
    note: 'Yahoo requires an app password.',
  },
  {
    name: 'iCloud Mail',
    domains: ['icloud.com', 'me.com', 'mac.com'],
    mx: [/\.mail\.icloud\.com$/],
    servers: [imap('imap.mail.me.com')],
    note: 'iCloud requires an app-specific password.',
  },
  {
    name: 'Fastmail',
    domains: ['fastmail.com', 'fastmail.fm', 'fastmail.net', 'messagingengine.com'],
    mx: [/\.messagingengine\.com$/],
    servers: [imap('imap.fastmail.com'), pop3('pop.fastmail.com')],
  },
  {
    name: 'GMX',
    domains: ['gmx.de', 'gmx.net', 'gmx.at', 'gmx.ch'],
    mx: [/^mx[0-9]+\.gmx\.net$/],
    servers: [imap('imap.gmx.net'), pop3('pop.gmx.net')],
  },
  {
    name: 'GMX (international)',
    domains: ['gmx.com', 'gmx.fr', 'gmx.co.uk'],
    mx: [/^mx[0-9]+\.gmx\.com$/],
    servers: [imap('imap.gmx.com'), pop3('pop.gmx.com')],
  },
  {
    name: 'Zoho Mail',
    domains: ['zoho.com', 'zohomail.com'],
    mx: [/^mx[0-9]*\.zoho\.com$/],
    servers: [imap('imap.zoho.com'), pop3('pop.zoho.com')],
  },
  {
    name: 'Zoho Mail (EU)',
    domains: ['zoho.eu', 'zohomail.eu'],
    mx: [/^mx[0-9]*\.zoho\.eu$/],
    servers: [imap('imap.zoho.eu'), pop3('pop.zoho.eu')],
  },
  {
    name: 'Proton Mail (Bridge)',
    domains: ['proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me'],
    mx: [/^mail(sec)?\.protonmail\.ch$/],
    servers: [imap('127.0.0.1', 1143, false)],
    note: 'Proton Mail is reached through Proton Mail Bridge, which must run on the machine running Tern (its IMAP port is 1143 by default, with the Bridge password).',
  },
];

export function presetsForDomain(domain: string): Preset[] {
  return PRESETS.filter((p) => p.domains.includes(domain));
}

export function presetsForMx(mxHosts: string[]): Array<{ preset: Preset; mx: string }> {
  const found: Array<{ preset: Preset; mx: string }> = [];
  for (const preset of PRESETS) {
    const mx = mxHosts.find((h) => preset.mx.some((re) => re.test(h)));
    if (mx) found.push({ preset, mx });
  }
  return found;
}
