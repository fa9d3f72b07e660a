import { type Channel, channel } from 'node:diagnostics_channel';

/**
 * `node:diagnostics_channel` channels this package publishes to (subscribe with
 * `diagnostics_channel.subscribe(name, fn)`). Messages carry the venue id, method, endpoint path
 * (the template, no query), weight and attempt; never the API key, signature, secret or a
 * listenKey/listenToken.
 */
export const DIAGNOSTICS_CHANNELS = Object.freeze({
  /** A request is about to be sent (each attempt). */
  start: 'userstream:rest:request:start',
  /** A request succeeded: `status` and `durationMs` (clock ms) added. */
  finish: 'userstream:rest:request:finish',
  /** A request failed: the typed error's `code`, the `status` when the venue answered, `durationMs`. */
  error: 'userstream:rest:request:error',
  /** A request held back by `weightShare` until the next minute. */
  throttle: 'userstream:rest:request:throttle',
});

/** The channels, made once per process (diagnostics_channel keeps one per name anyway). */
export const channels: Record<keyof typeof DIAGNOSTICS_CHANNELS, Channel> = {
  start: channel(DIAGNOSTICS_CHANNELS.start),
  finish: channel(DIAGNOSTICS_CHANNELS.finish),
  error: channel(DIAGNOSTICS_CHANNELS.error),
  throttle: channel(DIAGNOSTICS_CHANNELS.throttle),
};
