import type { AccountEndpoint } from '../ports/account';

/** The mail domain of an account's user (app-only access is configured per domain). */
export const domainOf = (account: AccountEndpoint) => account.user.slice(account.user.lastIndexOf('@') + 1).toLowerCase();
