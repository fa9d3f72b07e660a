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
  request: 'userstream:simulator:request',
  connection: 'userstream:simulator:connection',
  listenKey: 'userstream:simulator:listenKey',
  subscription: 'userstream:simulator:subscription',
  fault: 'userstream:simulator:fault',
});

export function publish(channel: diagnosticsChannel.Channel, message: () => object): void {
  if (channel.hasSubscribers) channel.publish(message());
}
