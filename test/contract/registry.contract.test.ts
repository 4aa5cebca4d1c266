// What the registry says each account kind carries (forms and refusals rely on it) must be what
// its connector offers; and each mail source, mail destination and PIM destination a connector
// offers must be an entry of its contract list (PIM sources and settings have no contract yet).
import { describe, expect, it } from 'vitest';
import { CONNECTORS, loadConnector } from '../../src/connectors/registry';
import type { Protocol } from '../../src/ports/account';
import type { Connector } from '../../src/ports/connector';
import type { ItemKind } from '../../src/items';
import { DESTINATIONS } from './support/destinations';
import { SOURCES } from './support/sources';
import { PIM_DESTINATIONS } from './support/pim-destinations';

const PIM: ItemKind[] = ['contacts', 'contactGroups', 'calendars', 'tasks'];
const SETTINGS: ItemKind[] = ['inboxRules', 'outOfOffice'];

/** The item kinds a side can carry, from the ports the connector offers. */
function offered(c: Connector, side: 'source' | 'destination'): ItemKind[] {
  const mail = side === 'source' ? c.mailSource : c.mailDestination;
  const pim = side === 'source' ? c.pimSource : c.pimDestination;
  return [...(mail ? (['emails'] as ItemKind[]) : []), ...(pim ? PIM : []), ...(c.settings ? SETTINGS : [])];
}

describe.each(Object.keys(CONNECTORS) as Protocol[])('registry entry %s', (protocol) => {
  it('declares as a source and as a destination exactly the kinds its connector\'s ports carry', async () => {
    const connector = await loadConnector(protocol);
    expect(typeof connector.check).toBe('function');
    // Kinds a connector's ports would suggest but it declares it cannot carry (Graph's contact groups), each with its reason;
    // a destination still takes those it reshapes (Graph: groups as categorised contacts).
    const lacks = Object.keys(CONNECTORS[protocol].lacks ?? {});
    const reshapes = Object.keys(CONNECTORS[protocol].reshapes ?? {});
    const carried = (side: 'source' | 'destination') => offered(connector, side).filter((k) => !lacks.includes(k) || (side === 'destination' && reshapes.includes(k))).sort();
    expect([...CONNECTORS[protocol].source].sort()).toEqual(carried('source'));
    expect([...CONNECTORS[protocol].destination].sort()).toEqual(carried('destination'));
  });

  it('has each mail source, mail destination and PIM destination it offers in a contract list', async () => {
    const connector = await loadConnector(protocol);
    if (connector.mailSource) expect(SOURCES.map((e) => e.protocol)).toContain(protocol);
    if (connector.mailDestination) expect(DESTINATIONS.map((e) => e.protocol)).toContain(protocol);
    if (connector.pimDestination) expect(PIM_DESTINATIONS.map((e) => e.protocol)).toContain(protocol);
  });
});
