import type { ItemKind } from '../items';
import type { PlanKind, PlanView } from '../plan';
import { checkItemsSupported, loadConnector, reshapedKinds } from '../connectors/registry';
import { TernError } from '../errors';
import { planMigration, type PlanInput } from '../engine/plan/plan-migration';
import type { Config } from '../config';

/** Each kind asked for, and whether both sides carry it: a plan shows a kind it cannot carry instead of refusing. */
export function kindsCarried(items: ItemKind[], input: Pick<PlanInput, 'source' | 'destination'>): PlanKind[] {
  return items.map((kind) => {
    try {
      checkItemsSupported([kind], input.source.protocol, input.destination.protocol, { source: input.source.pim?.protocol, destination: input.destination.pim?.protocol });
      const [reshaped] = reshapedKinds([kind], input.destination.protocol, input.destination.pim?.protocol);
      return { kind, carried: true, ...(reshaped ? { reshaped } : {}) };
    } catch (err) {
      if (!(err instanceof TernError)) throw err;
      return { kind, carried: false, reason: err.userMessage };
    }
  });
}

/** The plan over the registry's connectors, with the task's own timeouts, pipelining and lanes. */
export function planWithConnectors(config: Pick<Config, 'connectTimeoutMs' | 'imapPipelining' | 'connectionsPerAccount'>, input: Omit<PlanInput, 'kinds'>): Promise<PlanView> {
  return planMigration(
    { connectors: loadConnector, open: { timeoutMs: config.connectTimeoutMs, pipelining: config.imapPipelining }, connectionsPerAccount: config.connectionsPerAccount },
    { ...input, kinds: kindsCarried(input.items, input) },
  );
}
