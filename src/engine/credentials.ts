import type { AccountCredentials, AccountEndpoint } from '../ports/account';
import type { Vault } from '../store/vault';
import { TernError } from '../errors';

/**
 * A stored side of a task with its secrets from the vault: the account's, and that of the
 * CalDAV/CardDAV account next to it when it has one.
 */
export function credentialsOf(vault: Vault, taskId: string, side: 'source' | 'destination', endpoint: AccountEndpoint): AccountCredentials {
  const password = vault.get(taskId, side);
  if (password === undefined) {
    throw new TernError('INVALID_STATE', `The ${side} credentials of task ${taskId} are no longer stored; start a new migration.`);
  }
  const { pim, ...own } = endpoint;
  if (!pim) return { ...own, password };
  const pimPassword = vault.get(taskId, `${side}-pim`);
  if (pimPassword === undefined) {
    throw new TernError('INVALID_STATE', `The ${side} CalDAV/CardDAV credentials of task ${taskId} are no longer stored; start a new migration.`);
  }
  const { pim: _nested, ...pimOwn } = pim;
  return { ...own, password, pim: { ...pimOwn, password: pimPassword } };
}
