import type { Connector } from '../../ports/connector';
import { openPst } from './client';
import { openPstMailSource } from './mail-source';
import { openPstPimSource } from './pim-source';

/** A .pst file, imported from: e-mail, contacts, groups, calendars and tasks. One reader thread at a time. */
export const connector: Connector = {
  check: async (account) => (await openPst(account.file!, account.user)).close(),
  maxSourceConnections: 1,
  mailSource: openPstMailSource,
  pimSource: openPstPimSource,
};
