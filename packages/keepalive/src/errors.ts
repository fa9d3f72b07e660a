import { UserstreamError, type UserstreamErrorOptions } from '@userstream/core';

/** Error codes specific to leases (core's `ErrorCode` has the rest). Stable across versions. */
export const LeaseErrorCode = {
  /** A conditional write to a {@link LeaseStore} lost a race (`ifVersion` did not match). */
  Conflict: 'USERSTREAM_LEASE_CONFLICT',
  /** Another owner holds the lease (its fencing token is newer): this process must stop renewing it. */
  Lost: 'USERSTREAM_LEASE_LOST',
} as const;
export type LeaseErrorCode = (typeof LeaseErrorCode)[keyof typeof LeaseErrorCode];

/** A lease store refused a write or a renewal: someone else changed or owns the record. */
export class LeaseConflictError extends UserstreamError {
  /**
   * Always `'LeaseConflictError'`; test `code` (`LeaseErrorCode.Conflict` or `.Lost`) rather than the name.
   */
  override readonly name: string = 'LeaseConflictError';
  constructor(message: string, options: UserstreamErrorOptions & { lost?: boolean } = {}) {
    super(options.lost ? LeaseErrorCode.Lost : LeaseErrorCode.Conflict, message, {
      ...options,
      retryable: false,
    });
  }
}

/**
 * A store refused a write because the caller's fencing token is no longer the current one:
 * another worker owns the lease now (or owned it after the caller). The caller must stop
 * touching the lease's credential (no keepalive, no DELETE) and close its stream. Code
 * `USERSTREAM_LEASE_LOST`; never retryable.
 */
export class LeaseLostError extends UserstreamError {
  /** Always `'LeaseLostError'`; test `code` (`LeaseErrorCode.Lost`) rather than the name. */
  override readonly name: string = 'LeaseLostError';
  constructor(message: string, options: UserstreamErrorOptions = {}) {
    super(LeaseErrorCode.Lost, message, { ...options, retryable: false });
  }
}
