import type { Connector } from '../../ports/connector';
import { openDav } from './session';
import { openDavPimSource } from './pim-source';
import { openDavPimDestination } from './pim-destination';

/** CalDAV and CardDAV (RFC 4791, 6352): contacts, contact groups, calendars and tasks, both ways. */
export const connector: Connector = {
  check: async (account, options) => void (await openDav(account, options)),
  pimSource: openDavPimSource,
  pimDestination: openDavPimDestination,
};
