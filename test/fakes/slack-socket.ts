import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Slack's Socket Mode (https://api.slack.com/apis/socket-mode), as the stand-in's second door:
 * `apps.connections.open` (app-level token) hands out a one-time `ws://` URL; on connect Slack
 * says `hello`; each delivery is an envelope (`events_api`, `slash_commands`, `interactive`)
 * with an `envelope_id` the app must ack (`{ envelope_id, payload? }`) within 3 seconds; Slack
 * recycles a connection by sending `disconnect` (reason `refresh_requested`, `warning`,
 * `link_disabled`) and expects the app to open a new one.
 *
 * As Slack does, a delivery goes to a live connection that has said hello and is not being
 * recycled; with none, Slack waits up to the ack window for one, then the user sees the command
 * fail ("dispatch_failed"): that is what a reconnect gap costs.
 */

// Envelope payloads are whatever Slack would put there.
type Body = Record<string, any>;

export const ACK_WINDOW_MS = 3_000;

export interface SocketConnection {
  id: number;
  openedAt: number;
  /** When the app was told to go (a forced disconnect). */
  recycledAt?: number;
  closedAt?: number;
}

export interface SocketDelivery {
  type: 'events_api' | 'slash_commands' | 'interactive';
  envelopeId: string;
  sentAt?: number;
  connection?: number;
  /** The ack's payload (the response_action of a view submission, a command's reply…). */
  ack?: Body;
  ackedAt?: number;
  /** Why Slack gave up on it, as it tells the user. */
  failed?: 'dispatch_failed' | 'operation_timeout';
}

export class FakeSocketMode {
  readonly connections: SocketConnection[] = [];
  readonly deliveries: SocketDelivery[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly live = new Map<number, { ws: WebSocket; info: SocketConnection }>();
  private readonly acks = new Map<string, (payload: Body) => void>();
  private readonly ready = new Set<() => void>();
  private count = 0;

  constructor(
    private readonly origin: () => string,
    private readonly appId: string,
  ) {}

  /** apps.connections.open: a URL good for one connection. */
  open(): Body {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return { ok: true, url: `${this.origin().replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${this.appId}` };
  }

  /** The HTTP server's `upgrade` event: only a ticket from apps.connections.open gets in. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const info: SocketConnection = { id: ++this.count, openedAt: Date.now() };
    this.connections.push(info);
    this.live.set(info.id, { ws, info });
    ws.on('message', (data) => {
      let msg: Body;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof msg.envelope_id === 'string') this.acks.get(msg.envelope_id)?.(msg.payload ?? {});
    });
    ws.on('close', () => {
      info.closedAt = Date.now();
      this.live.delete(info.id);
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.live.size, debug_info: { host: `applink-${info.id}`, build_number: 1, approximate_connection_time: 18060 }, connection_info: { app_id: this.appId } }));
    for (const wake of [...this.ready]) wake();
  }

  /** Slack recycles every open connection: `disconnect`, then it closes them if the app does not. */
  forceDisconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    for (const { ws, info } of this.live.values()) {
      if (info.recycledAt) continue;
      info.recycledAt = Date.now();
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `applink-${info.id}` } }));
      setTimeout(() => ws.terminate(), 10_000).unref();
    }
  }

  /** Delivers an envelope and resolves with what Slack would do with it (the ack, or the failure). */
  async deliver(type: SocketDelivery['type'], payload: Body): Promise<SocketDelivery> {
    const d: SocketDelivery = { type, envelopeId: randomUUID() };
    this.deliveries.push(d);
    const deadline = Date.now() + ACK_WINDOW_MS;
    const target = await this.connectionBefore(deadline);
    if (!target) {
      d.failed = 'dispatch_failed';
      return d;
    }
    const acked = new Promise<Body | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
      this.acks.set(d.envelopeId, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
    });
    d.sentAt = Date.now();
    d.connection = target.info.id;
    const accepts = type === 'slash_commands' || (type === 'interactive' && payload.type === 'view_submission');
    target.ws.send(JSON.stringify({ envelope_id: d.envelopeId, payload, type, accepts_response_payload: accepts, ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}) }));
    const ack = await acked;
    this.acks.delete(d.envelopeId);
    if (ack === undefined) d.failed = 'operation_timeout';
    else {
      d.ack = ack;
      d.ackedAt = Date.now();
    }
    return d;
  }

  private async connectionBefore(deadline: number): Promise<{ ws: WebSocket; info: SocketConnection } | undefined> {
    for (;;) {
      const open = [...this.live.values()].find((c) => !c.info.recycledAt && c.ws.readyState === c.ws.OPEN);
      if (open) return open;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.ready.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.ready.add(wake);
      });
    }
  }

  close(): void {
    for (const { ws } of this.live.values()) ws.terminate();
    this.wss.close();
  }
}
