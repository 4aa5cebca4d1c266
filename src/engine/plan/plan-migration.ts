import type { AccountCredentials } from '../../ports/account';
import { pimOf } from '../../ports/account';
import type { LoadConnector, OpenOptions } from '../../ports/connector';
import type { MailDestination, MailSource } from '../../ports/mail';
import type { PimSource } from '../../ports/pim';
import type { PimKind } from '../../ports/pim-items';
import type { ItemKind } from '../../items';
import type { MigrationOptions } from '../../options';
import type { PlanKind, PlanTotals, PlanView } from '../../plan';
import { endpointOf, formatAccount } from '../../accounts';
import { sizeText } from '../../size-text';
import { openOn } from '../sided';
import { unmatchedFolders } from '../email/selection';
import { planMail, type MailPlanFolder } from './mail-plan';
import { estimateSeconds, probeSource, roundTrip } from './probe';

export interface PlanInput {
  source: AccountCredentials;
  destination: AccountCredentials;
  items: ItemKind[];
  options?: MigrationOptions;
  /** Each kind asked for, and whether both sides carry it (the registry's answer, from the service). */
  kinds: PlanKind[];
}

export interface PlanDeps {
  connectors: LoadConnector;
  open: OpenOptions;
  /** Lanes a task would run at once (TERN_CONNECTIONS_PER_ACCOUNT), for the estimate. */
  connectionsPerAccount: number;
}

const PIM_KIND: Partial<Record<ItemKind, PimKind>> = { contacts: 'contact', contactGroups: 'group', calendars: 'event', tasks: 'task' };
/** As scan-folder.ts batches a folder's reads. */
const BATCH_MESSAGES = 250;

/**
 * What the migration would do, for any pair of account kinds, through the same ports as the steps:
 * both sides are logged in and read; the destination is only listed, examined and asked for its
 * quota and limits. Nothing is written anywhere.
 */
export async function planMigration(deps: PlanDeps, input: PlanInput): Promise<PlanView> {
  const kinds = input.kinds.map((k) => ({ ...k }));
  const warnings: string[] = [];
  const wantsMail = kinds.some((k) => k.kind === 'emails' && k.carried);
  let folders: MailPlanFolder[] = [];
  let messageSizeLimit: number | undefined;
  let quota: PlanView['quota'];
  const probe: PlanView['probe'] = {};
  if (wantsMail) {
    const [from, to] = await Promise.all([deps.connectors(input.source.protocol), deps.connectors(input.destination.protocol)]);
    const opened: Array<MailSource | MailDestination> = [];
    try {
      const source = await openOn('source', from.mailSource!(input.source, deps.open));
      opened.push(source);
      const destination = await openOn('destination', to.mailDestination!(input.destination, deps.open));
      opened.push(destination);
      const [sourceTree, destinationTree] = await Promise.all([source.folders(), destination.folders()]);
      for (const name of unmatchedFolders(input.options, sourceTree)) warnings.push(`No source folder is named "${name}": check the folder selection.`);
      messageSizeLimit = await destination.messageSizeLimit?.();
      folders = await planMail(source, destination, input.options, { source: sourceTree, destination: destinationTree }, messageSizeLimit);
      const busiest = [...folders].sort((a, b) => b.folder.toCopyBytes - a.folder.toCopyBytes)[0];
      probe.source = await probeSource(source, busiest?.folder.sourceFolder, busiest?.toCopy ?? []);
      probe.destination = { roundTripMs: await roundTrip(() => destination.findFolder('INBOX')) };
      const found = await destination.quota?.();
      if (found) {
        const afterBytes = found.usedBytes + sum(folders, 'toCopyBytes');
        quota = { ...found, afterBytes, fits: afterBytes <= found.limitBytes };
      }
    } finally {
      await Promise.all(opened.map((p) => p.close().catch(() => {})));
    }
  }
  await countPim(deps, input, kinds);

  const totals: PlanTotals = {
    count: sum(folders, 'count'),
    bytes: sum(folders, 'bytes'),
    alreadyPresent: sum(folders, 'alreadyPresent'),
    toCopy: sum(folders, 'toCopy'),
    toCopyBytes: sum(folders, 'toCopyBytes'),
    tooLarge: sum(folders, 'tooLarge'),
    leftOut: sum(folders, 'leftOut'),
  };
  if (quota && !quota.fits) warnings.push(`The destination mailbox would be over its quota: ${mb(quota.afterBytes)} of ${mb(quota.limitBytes)} after the copy. Free some space or raise the quota first.`);
  if (totals.tooLarge) warnings.push(`${totals.tooLarge} message(s) are larger than the ${mb(messageSizeLimit!)} the destination takes: they would fail.`);
  for (const k of kinds) if (!k.carried) warnings.push(k.reason!);
  for (const k of kinds) if (k.reshaped) warnings.push(k.reshaped);
  const from = await deps.connectors(input.source.protocol);
  const lanes = Math.min(from.maxSourceConnections ?? deps.connectionsPerAccount, deps.connectionsPerAccount, Math.max(1, folders.filter((f) => f.folder.toCopy > 0).length));
  const batches = folders.reduce((n, f) => n + Math.ceil(f.folder.toCopy / BATCH_MESSAGES), 0);
  return {
    source: formatAccount(input.source),
    destination: formatAccount(input.destination),
    sourceEndpoint: endpointOf(input.source),
    destinationEndpoint: endpointOf(input.destination),
    items: input.items,
    ...(input.options ? { options: input.options } : {}),
    kinds,
    folders: folders.map((f) => f.folder),
    totals,
    ...(messageSizeLimit ? { messageSizeLimit } : {}),
    ...(quota ? { quota } : {}),
    probe,
    etaSeconds: wantsMail ? estimateSeconds({ messages: totals.toCopy, bytes: totals.toCopyBytes, batches }, probe, lanes, !!deps.open.pipelining) : undefined,
    warnings,
    plannedAt: new Date().toISOString(),
  };
}

/** Counts the source's contacts, groups, events and tasks by the folder listing (no item is read). */
async function countPim(deps: PlanDeps, input: PlanInput, kinds: PlanKind[]): Promise<void> {
  const wanted = kinds.filter((k) => k.carried && PIM_KIND[k.kind]);
  if (wanted.length === 0) return;
  const account = pimOf(input.source);
  const connector = await deps.connectors(account.protocol);
  const source: PimSource = await openOn('source', connector.pimSource!(account, deps.open));
  try {
    for (const k of wanted) k.count = (await source.folders(PIM_KIND[k.kind]!)).reduce((n, f) => n + f.count, 0);
  } finally {
    await source.close().catch(() => {});
  }
}

const sum = (folders: MailPlanFolder[], field: keyof PlanTotals) => folders.reduce((n, f) => n + f.folder[field], 0);
const mb = sizeText;

