// A stand-in for Microsoft Graph v1.0 on 127.0.0.1 (see README.md here), checked against
// Microsoft's CSDL in ../shared/fixtures/graph-schema.
import { FakeGraph, type FakeGraphOptions } from './server';

export { FakeGraph, MAX_BATCH, type FakeGraphCall, type FakeGraphOptions } from './server';
export type { FakeGraphAttachment, FakeGraphEntity, FakeGraphFolder, FakeGraphMailbox, FakeGraphMessage } from './store';

export async function startFakeGraph(options: FakeGraphOptions): Promise<FakeGraph> {
  const fake = new FakeGraph(options);
  await fake.listen();
  return fake;
}
