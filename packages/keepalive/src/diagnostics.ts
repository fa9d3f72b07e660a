import { channel } from 'node:diagnostics_channel';

/**
 * `node:diagnostics_channel` channels this package publishes to. Messages never carry a
 * listenKey, listenToken, API key or secret: leases are named by their structured key with
 * the API key reduced to a fingerprint.
 */
export const DIAGNOSTICS_CHANNELS = {
  /** A lease started (its first credential is on its way). */
  leaseCreated: 'userstream:keepalive:lease:created',
  /** A credential was kept alive (the `renewed` event). */
  leaseRenewed: 'userstream:keepalive:lease:renewed',
  /** A renewal failed and will be retried (the `renewFailed` event, with the error's code). */
  leaseRenewFailed: 'userstream:keepalive:lease:renew-failed',
  /** A new credential replaced a lost or expired one (the `recreated` event). */
  leaseRecreated: 'userstream:keepalive:lease:recreated',
  /** A credential lapsed or ownership was lost (the `expired` event). */
  leaseExpired: 'userstream:keepalive:lease:expired',
  /** A lease was closed. */
  leaseClosed: 'userstream:keepalive:lease:closed',
  /** A due job was pushed back by a 429/418 hold of its venue group (`label`, `group`, `until`). */
  schedulerDeferred: 'userstream:keepalive:scheduler:deferred',
  /** An `AccountMirror` applied a snapshot (reason, differences found). */
  mirrorReconciled: 'userstream:keepalive:mirror:reconciled',
} as const;

export const channels = {
  leaseCreated: channel(DIAGNOSTICS_CHANNELS.leaseCreated),
  leaseRenewed: channel(DIAGNOSTICS_CHANNELS.leaseRenewed),
  leaseRenewFailed: channel(DIAGNOSTICS_CHANNELS.leaseRenewFailed),
  leaseRecreated: channel(DIAGNOSTICS_CHANNELS.leaseRecreated),
  leaseExpired: channel(DIAGNOSTICS_CHANNELS.leaseExpired),
  leaseClosed: channel(DIAGNOSTICS_CHANNELS.leaseClosed),
  schedulerDeferred: channel(DIAGNOSTICS_CHANNELS.schedulerDeferred),
  mirrorReconciled: channel(DIAGNOSTICS_CHANNELS.mirrorReconciled),
};
