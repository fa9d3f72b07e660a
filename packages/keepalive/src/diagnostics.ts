import { channel } from 'node:diagnostics_channel';

/**
 * `node:diagnostics_channel` channels this package publishes to. Messages never carry a
 * listenKey, listenToken, API key or secret: leases are named by their structured key with
 * the API key reduced to a fingerprint.
 */
export const DIAGNOSTICS_CHANNELS = {
  leaseCreated: 'userstream:keepalive:lease:created',
  leaseRenewed: 'userstream:keepalive:lease:renewed',
  leaseRenewFailed: 'userstream:keepalive:lease:renew-failed',
  leaseRecreated: 'userstream:keepalive:lease:recreated',
  leaseExpired: 'userstream:keepalive:lease:expired',
  leaseClosed: 'userstream:keepalive:lease:closed',
  schedulerDeferred: 'userstream:keepalive:scheduler:deferred',
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
