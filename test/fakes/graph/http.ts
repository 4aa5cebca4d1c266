// The shapes shared by the fake's router and its handlers: a request already resolved against
// the CSDL, an answer (JSON to be checked against its type, or raw bytes), and Graph's error body.
import type { FakeGraphMailbox } from './store';
import type { ResolvedPath } from './paths';

export interface GraphRequest {
  method: string;
  path: ResolvedPath;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
  /** The parsed JSON body, when it was JSON. */
  json?: Record<string, unknown>;
  mailbox: FakeGraphMailbox;
  /** For @odata.nextLink / deltaLink: scheme, host and the path as asked. */
  baseUrl: string;
  rawPath: string;
}

export interface GraphAnswer {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  raw?: Buffer;
  /** The entity or complex type the JSON holds (checked against the schema), `collection` for { value: [...] }. */
  type?: string;
  collection?: boolean;
}

export class GraphFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string): unknown {
  return { error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': crypto.randomUUID(), 'client-request-id': crypto.randomUUID() } } };
}

export const notFound = (what = 'The specified object was not found in the store.') => new GraphFault(404, 'ErrorItemNotFound', what);

export type Handler = (req: GraphRequest) => GraphAnswer | Promise<GraphAnswer>;
