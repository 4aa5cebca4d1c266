// The servers a Microsoft 365 PIM test runs against: the fake Graph and fake EWS (each checking
// every request against its vendor's schema), Redis, Radicale, and Tern with a worker; with the
// account URLs of their users. Closing checks that neither fake saw a request its schema refuses.
import { expect } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../fakes/graph';
import { startFakeEws, type FakeEws } from '../fakes/ews';
import { startRedis, type TestRedis } from './redis';
import { startTern, type TestTern } from './tern';
import { startRadicale, type RadicaleServer } from './radicale';

export interface GraphPimWorld {
  graph: FakeGraph;
  ews: FakeEws;
  redis: TestRedis;
  radicale: RadicaleServer;
  tern: TestTern;
  graphUrl(user: string): string;
  ewsUrl(user: string): string;
  close(): Promise<void>;
}

/** `tokens`: Graph user → bearer token; `ewsUsers`: Exchange user → password. */
export async function startGraphPimWorld(tokens: Record<string, string>, ewsUsers: Record<string, string>): Promise<GraphPimWorld> {
  const [graph, ews, redis, radicale] = await Promise.all([startFakeGraph({ users: tokens, pageSize: 3 }), startFakeEws({ users: ewsUsers }), startRedis(), startRadicale()]);
  const tern = await startTern(redis.url);
  await tern.startWorker();
  return {
    graph,
    ews,
    redis,
    radicale,
    tern,
    graphUrl: (user) => `graph+http://${encodeURIComponent(user)}:${tokens[user]}@127.0.0.1:${new URL(graph.url).port}`,
    ewsUrl: (user) => `ews+http://${encodeURIComponent(user)}:${ewsUsers[user]}@127.0.0.1:${ews.port}/EWS/Exchange.asmx`,
    close: async () => {
      await tern.close();
      await Promise.all([graph.close(), ews.close(), redis.stop(), radicale.stop()]);
      expect(graph.schemaErrors).toEqual([]);
      expect(graph.internalErrors).toEqual([]);
      expect(ews.schemaErrors).toEqual([]);
    },
  };
}
