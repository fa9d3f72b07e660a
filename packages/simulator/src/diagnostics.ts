import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * `node:diagnostics_channel` channels the simulator publishes to. Messages never carry API keys,
 * secrets, signatures, listenKeys or listenTokens.
 */
export const channels = {
  /** `{ method, path, status, venue?, weight }` for every REST request. */
  request: diagnosticsChannel.channel('userstream:simulator:request'),
  /** `{ event: 'open' | 'close', kind: 'stream' | 'wsApi', connectionId }`. */
  connection: diagnosticsChannel.channel('userstream:simulator:connection'),
  /** `{ event: 'create' | 'keepalive' | 'expire' | 'close', venue, accountId }`. */
  listenKey: diagnosticsChannel.channel('userstream:simulator:listenKey'),
  /** `{ event: 'subscribe' | 'unsubscribe' | 'terminate', method?, accountId, connectionId }`. */
  subscription: diagnosticsChannel.channel('userstream:simulator:subscription'),
  /** `{ type, ...spec }` (without secrets) when a fault is applied. */
  fault: diagnosticsChannel.channel('userstream:simulator:fault'),
} as const;

/** Channel names, for subscribers. */
export const DIAGNOSTICS_CHANNELS = Object.freeze({
  /** Every REST request: `{ method, path, status, venue?, weight }`. */
  request: 'userstream:simulator:request',
  /** A WebSocket connection opened or closed: `{ event, kind, connectionId }`. */
  connection: 'userstream:simulator:connection',
  /** A listenKey was created, kept alive, expired or closed: `{ event, venue, accountId }` (never the key). */
  listenKey: 'userstream:simulator:listenKey',
  /** A WebSocket API subscription started, ended or was terminated: `{ event, method?, accountId, connectionId }`. */
  subscription: 'userstream:simulator:subscription',
  /** A fault was applied: `{ type, ...spec }` without secrets. */
  fault: 'userstream:simulator:fault',
});

export function publish(channel: diagnosticsChannel.Channel, message: () => object): void {
  if (channel.hasSubscribers) channel.publish(message());
}
