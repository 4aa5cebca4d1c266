// Microsoft's own client, @microsoft/microsoft-graph-client, pointed at the fake with its own
// retry and HTTP handlers. Its AuthenticationHandler adds the token only for https hosts, so a
// small middleware of the same shape adds it here.
import { Client, HTTPMessageHandler, RetryHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { FakeGraph } from './server';

export function graphClient(fake: FakeGraph, token: string): Client {
  const bearer: Middleware = {
    next: undefined as Middleware | undefined,
    async execute(context: Context) {
      // The client parses absolute links (@odata.nextLink, deltaLink, upload URLs) for https hosts
      // only, and appends an http one to its base URL: undo that for the fake's plain-HTTP links.
      if (typeof context.request === 'string') context.request = context.request.replace(`${fake.url}/v1.0/${fake.url}/`, `${fake.url}/`);
      // Like the client's AuthenticationHandler, no token for an upload session's pre-authenticated URL.
      const options = (context.options ??= {}) as { headers?: Record<string, string> };
      if (typeof context.request !== 'string' || !context.request.startsWith(`${fake.url}/upload/`)) options.headers = { ...options.headers, Authorization: `Bearer ${token}` };
      return this.next!.execute(context);
    },
    setNext(next: Middleware) {
      this.next = next;
    },
  } as Middleware & { next?: Middleware };
  const retry = new RetryHandler();
  bearer.setNext!(retry);
  retry.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ middleware: bearer, baseUrl: fake.url, defaultVersion: 'v1.0' });
}
