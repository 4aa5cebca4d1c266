/** POP3 is only ever a source: the whole maildrop goes to the destination INBOX. */
export { openPop3, type Pop3Session } from './session';
