import { type Channel, channel } from 'node:diagnostics_channel';

export const DIAGNOSTICS_CHANNELS = Object.freeze({
  start: 'userstream:rest:request:start',
  finish: 'userstream:rest:request:finish',
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
