import type { AccountCredentials } from '../../ports/account';
import type { SettingsPort } from '../../ports/pim';
import type { OpenOptions } from '../../ports/connector';
import { openEws } from './open';

/** An Exchange mailbox's inbox rules (folder references as mail folder paths) and automatic replies. */
export async function openExchangeSettings(account: AccountCredentials, options: OpenOptions): Promise<SettingsPort> {
  const ews = await openEws(account, options);
  return {
    readRules: () => ews.readRules(),
    writeRules: (rules) => ews.writeRules(rules),
    readOof: () => ews.readOof(),
    writeOof: (oof) => ews.writeOof(oof),
    close: () => ews.close(),
  };
}
