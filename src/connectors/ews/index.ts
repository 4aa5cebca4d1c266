import type { Connector } from '../../ports/connector';
import { openEws } from './open';
import { openExchangeMailSource } from './mail-source';
import { openExchangeMailDestination } from './mail-destination';
import { openExchangePimSource } from './pim-source';
import { openExchangePimDestination } from './pim-destination';
import { openExchangeSettings } from './settings';

export { openEws } from './open';
export type { EwsSession } from './types';

/** Exchange (EWS, 2010 SP2 and later): every item kind, both ways. */
export const connector: Connector = {
  check: async (account, options) => (await openEws(account, options)).close(),
  mailSource: openExchangeMailSource,
  mailDestination: openExchangeMailDestination,
  pimSource: openExchangePimSource,
  pimDestination: openExchangePimDestination,
  settings: openExchangeSettings,
};
