import { channel } from 'node:diagnostics_channel';

/**
 * `node:diagnostics_channel` channels this package publishes to. Messages carry worker ids,
 * account ids (your names for accounts), venue ids and counts: never an API key, secret,
 * listenKey or listenToken.
 */
export const DIAGNOSTICS_CHANNELS = {
  /** `{ type: 'change' | 'unavailable' | 'available' | 'rejoined', worker, … }` */
  membership: 'userstream:redis:membership',
  /**
   * `{ type: 'acquired' | 'released' | 'lost' | 'claim-refused' | 'open-failed', worker, account, … }`;
   * `{ type: 'rate-limited', worker, origin, until }`; `{ type: 'open-backoff', worker, lagMs, concurrency }`
   * (the event loop lagged `lagMs` (protocol ms) over an open: opens at once cut to `concurrency`)
   */
  ownership: 'userstream:redis:ownership',
  /** `{ type: 'overflow' | 'retry', worker, account, … }`; `{ type: 'quarantined', worker, account, reason }` (an event put in the dead-letter stream) */
  sink: 'userstream:redis:sink',
} as const;

export const channels = {
  membership: channel(DIAGNOSTICS_CHANNELS.membership),
  ownership: channel(DIAGNOSTICS_CHANNELS.ownership),
  sink: channel(DIAGNOSTICS_CHANNELS.sink),
};
