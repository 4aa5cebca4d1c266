import { SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';

/** After this long connected, a lost link is a recycle (Slack's `disconnect`), not a failing server. */
const HEALTHY_MS = 2_000;

/**
 * Bolt's Socket Mode receiver, reconnecting at once when Slack recycles the connection.
 *
 * @slack/socket-mode 3.1.0 (the newest; the 3.2 the issue asked for was never published) waits
 * `clientPingTimeout` (5 s) times the failures in a row before every reconnect, the first one
 * included; while no connection is open Slack cannot deliver a command, and a user who types
 * `/migrate` in that gap gets "dispatch_failed". Here the first reconnect after a connection
 * that lived HEALTHY_MS goes at once; a link that keeps failing still backs off as the library does.
 */
export function socketModeReceiver(opts: { appToken: string; apiUrl?: string; logger: BoltLogger }): SocketModeReceiver {
  const receiver = new SocketModeReceiver({
    appToken: opts.appToken,
    logger: opts.logger,
    // apps.connections.open goes where the Web API is (SLACK_API_URL in tests).
    installerOptions: opts.apiUrl ? { clientOptions: { slackApiUrl: opts.apiUrl } } : {},
  });
  reconnectAtOnce(receiver.client as unknown as ReconnectingClient);
  return receiver;
}

/** The library's private reconnect state (socket-mode 3.1.0's SocketModeClient). */
interface ReconnectingClient {
  clientPingTimeoutMS: number;
  numOfConsecutiveReconnectionFailures: number;
  delayReconnectAttempt(cb: () => Promise<unknown>): Promise<unknown>;
  on(event: string, listener: () => void): unknown;
}

function reconnectAtOnce(client: ReconnectingClient): void {
  if (typeof client.delayReconnectAttempt !== 'function' || typeof client.clientPingTimeoutMS !== 'number') {
    throw new Error('@slack/socket-mode changed: adapters/slack/socket-mode.ts needs a look (its reconnect is patched for 3.1.0)');
  }
  let connectedAt = 0;
  client.on('connected', () => (connectedAt = Date.now()));
  const backOff = client.delayReconnectAttempt.bind(client);
  client.delayReconnectAttempt = (cb) => {
    const recycled = connectedAt && client.numOfConsecutiveReconnectionFailures === 0 && Date.now() - connectedAt >= HEALTHY_MS;
    if (!recycled) return backOff(cb);
    connectedAt = 0;
    // The library waits clientPingTimeoutMS × failures; this once, zero (the timer, the
    // shutdown check and the failure count stay the library's).
    const keep = client.clientPingTimeoutMS;
    client.clientPingTimeoutMS = 0;
    try {
      return backOff(cb);
    } finally {
      client.clientPingTimeoutMS = keep;
    }
  };
}
