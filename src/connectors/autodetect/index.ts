import { TernError } from '../../errors';
import type { Candidate, Detection } from './types';
import type { Network } from './network';
import { presetsForDomain, presetsForMx, type Preset } from './presets';
import { lookupAutoconfig } from './autoconfig';
import { lookupSrv } from './srv';
import { lookupAutodiscover } from './autodiscover';
import { probeGuesses, STANDARD_PORTS, type GuessPorts } from './guess';
import { presetForHost } from '../oauth';

export type { Candidate, Detection } from './types';
export { systemNetwork, type Network } from './network';

export interface DetectOptions {
  network: Network;
  /** For Exchange Autodiscover only; sent only to hosts inside the address's domain. */
  password?: string;
  /** Per look-up; they all run at once, so the whole detection takes about this long at most (plus the guesses). */
  timeoutMs?: number;
  guessPorts?: GuessPorts;
}

const SOURCE_RANK: Record<Candidate['source'], number> = { preset: 0, autoconfig: 1, srv: 2, autodiscover: 3, guess: 5 };
const CONFIDENCE_RANK = { high: 0, medium: 1, low: 2 };
const PROTOCOL_RANK = { imap: 0, ews: 1, pop3: 2 };

/**
 * Server settings for an address, best first, from: built-in presets (by domain, then by MX), the
 * domain's autoconfig, RFC 6186 SRV records, Exchange Autodiscover, and, only when none of those
 * answered, probed guesses.
 */
export async function detectSettings(email: string, options: DetectOptions): Promise<Detection> {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  if (at < 1 || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
    throw new TernError('BAD_ACCOUNT_URL', `"${email}" is not an e-mail address: settings are detected from the domain after the @.`, { field: 'email' });
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  const { network } = options;
  const notes: string[] = [];

  const [mx, autoconfig, srv, autodiscover] = await Promise.all([
    network.resolveMx(domain).catch(() => [] as string[]),
    lookupAutoconfig(network, address, domain, timeoutMs).catch(() => []),
    lookupSrv(network, domain).catch(() => []),
    lookupAutodiscover(network, address, domain, options.password, timeoutMs).catch(() => ({ candidates: [], notes: [] })),
  ]);
  notes.push(...autodiscover.notes);

  const presets: Candidate[] = [];
  const addPreset = (preset: Preset, how: string, confidence: Candidate['confidence']) => {
    if (preset.note) notes.push(`${preset.name}: ${preset.note}`);
    for (const s of preset.servers) presets.push({ ...s, source: 'preset', detail: `preset ${preset.name} (${how})`, confidence, ...(preset.oauth ? { oauth: preset.oauth } : {}) });
  };
  for (const p of presetsForDomain(domain)) addPreset(p, `domain ${domain}`, 'high');
  if (presets.length === 0) for (const { preset, mx: host } of presetsForMx(mx)) addPreset(preset, `MX ${host}`, 'medium');

  let candidates = [...presets, ...autoconfig, ...srv, ...autodiscover.candidates];
  if (candidates.length === 0) candidates = await probeGuesses(network, domain, options.guessPorts ?? STANDARD_PORTS, timeoutMs);
  if (candidates.length === 0) notes.push(`Nothing answered for ${domain}: enter the server settings by hand (your provider's help pages list them).`);
  // A Microsoft or Google server found another way (autoconfig, SRV) signs in with OAuth2 too.
  candidates = candidates.map((c) => {
    const oauth = c.oauth ?? (presetForHost(c.host) as Candidate['oauth']);
    return oauth ? { ...c, oauth } : c;
  });
  return { email: address, domain, candidates: rank(candidates), notes: [...new Set(notes)] };
}

function rank(list: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return list
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        CONFIDENCE_RANK[a.c.confidence] - CONFIDENCE_RANK[b.c.confidence] ||
        SOURCE_RANK[a.c.source] - SOURCE_RANK[b.c.source] ||
        PROTOCOL_RANK[a.c.protocol] - PROTOCOL_RANK[b.c.protocol] ||
        Number(b.c.secure) - Number(a.c.secure) ||
        a.i - b.i,
    )
    .map(({ c }) => c)
    .filter((c) => {
      const key = `${c.protocol}|${c.host}|${c.port}|${c.ewsUrl ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The best candidate of the first protocol in `protocols` that has one (protocols in order of preference). */
export function bestOf(detection: Detection, protocols: readonly string[]): Candidate | undefined {
  for (const protocol of protocols) {
    const found = detection.candidates.find((c) => c.protocol === protocol);
    if (found) return found;
  }
  return undefined;
}
