import { itemLabel } from '../src/items';
import { describeOptions, optionsScopeNote } from '../src/options';
import type { PlanView } from '../src/plan';
import { accountLabel, bytes, duration, number } from './views';

/**
 * A plan in words, platform-neutral: the CLI prints the lines, chat shows them on a plan card
 * with Start and Cancel. Folder lines beyond `mostFolders` are summed up in one.
 */
export interface PlanCard {
  title: string;
  source: string;
  destination: string;
  /** "1,204 messages (48.2 MB): 1,180 to copy (47.9 MB), 24 already there" */
  summary: string;
  /** Quota, limit, ETA, options. */
  facts: string[];
  /** One line per folder, then one per other kind. */
  lines: string[];
  warnings: string[];
}

export function planCard(p: PlanView, mostFolders = 25): PlanCard {
  const t = p.totals;
  const facts: string[] = [];
  if (p.etaSeconds !== undefined) facts.push(`Estimated time: ${p.etaSeconds === 0 ? 'nothing to copy' : `about ${duration(p.etaSeconds)}`}${probeText(p)}`);
  if (p.quota) facts.push(`Destination quota: ${bytes(p.quota.usedBytes)} used of ${bytes(p.quota.limitBytes)}; ${bytes(p.quota.afterBytes)} after the copy${p.quota.fits ? '' : ' — over the quota'}`);
  else if (p.kinds.some((k) => k.kind === 'emails' && k.carried)) facts.push('Destination quota: the server does not say');
  if (p.messageSizeLimit) facts.push(`Largest message the destination takes: ${bytes(p.messageSizeLimit)}`);
  const options = describeOptions(p.options);
  if (options.length) facts.push(`Options: ${options.join(' · ')}`);
  const scope = optionsScopeNote(p.options, p.items);
  if (scope) facts.push(scope);
  const lines = p.folders.slice(0, mostFolders).map((f) => {
    const parts = [`${number(f.count)} (${bytes(f.bytes)})`, `${number(f.toCopy)} to copy`, `${number(f.alreadyPresent)} already there`];
    if (f.tooLarge) parts.push(`${number(f.tooLarge)} too large`);
    if (f.largest) parts.push(`largest ${bytes(f.largest.bytes)}`);
    const where = f.exists ? f.destinationFolder : `${f.destinationFolder} (new)`;
    return `${f.sourceFolder} → ${where}: ${parts.join(', ')}${f.note ? ` — ${f.note}` : ''}`;
  });
  if (p.folders.length > mostFolders) lines.push(`…and ${p.folders.length - mostFolders} more folders (tern plan --json lists them all)`);
  for (const k of p.kinds.filter((k) => k.kind !== 'emails')) {
    const carried = `${itemLabel(k.kind)}: ${k.count === undefined ? 'moved as they are' : `${number(k.count)} at the source`}${k.reshaped ? ` — ${k.reshaped}` : ''}`;
    lines.push(k.carried ? carried : `${itemLabel(k.kind)}: cannot be carried — ${k.reason}`);
  }
  return {
    title: 'Migration plan',
    source: accountLabel(p.sourceEndpoint),
    destination: accountLabel(p.destinationEndpoint),
    summary: `${number(t.count)} messages (${bytes(t.bytes)}): ${number(t.toCopy)} to copy (${bytes(t.toCopyBytes)}), ${number(t.alreadyPresent)} already there${t.tooLarge ? `, ${number(t.tooLarge)} too large for the destination` : ''}${t.leftOut ? `, ${number(t.leftOut)} left out by the options` : ''}`,
    facts,
    lines,
    warnings: p.warnings,
  };
}

function probeText(p: PlanView): string {
  const s = p.probe.source;
  const d = p.probe.destination;
  if (!s || !d) return '';
  const rate = s.bytesPerSecond ? `, reads ${bytes(s.bytesPerSecond)}/s` : '';
  return ` (source ${Math.round(s.roundTripMs)} ms a round trip${rate}; destination ${Math.round(d.roundTripMs)} ms)`;
}

/** The plan as text lines: what `tern plan` prints. */
export function planText(p: PlanView): string {
  const c = planCard(p, Infinity);
  return [`Plan: ${c.source} → ${c.destination}`, c.summary, ...c.facts, ...c.lines.map((l) => `  ${l}`), ...c.warnings.map((w) => `⚠ ${w}`)].join('\n');
}
