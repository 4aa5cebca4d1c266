// A stand-in for Microsoft Exchange Web Services (EWS SOAP, as Exchange 2010 SP2+/2013 speaks it)
// on 127.0.0.1, for ews-javascript-api and anything else that speaks EWS. See README.md here for
// what each operation supports; every request and response is checked against Microsoft's schema
// (test/support/ews-schema.ts) unless `validate: false`.
import { FakeEwsServer, type FakeEws, type FakeEwsOptions } from './server';

export type { FakeEws, FakeEwsCall, FakeEwsOptions } from './server';
export type { AddMessageOptions, FakeAttachment, FakeFolder, FakeItem, FakeMailbox, FakeRule } from './store';
export type { ItemKind, OofSettings } from './model';
export type { MailboxSnapshot, SnapshotAttachment, SnapshotItem } from './snapshot';

export async function startFakeEws(options: FakeEwsOptions): Promise<FakeEws> {
  const fake = new FakeEwsServer(options);
  await fake.listen();
  return fake;
}
