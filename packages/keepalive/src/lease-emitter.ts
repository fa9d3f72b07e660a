/**
 * How a lease speaks: lifecycle events mirrored to diagnostics_channel and the logger (never with
 * the credential), and listeners isolated the way streams isolate theirs: a listener that throws,
 * or whose promise rejects, costs no other listener and never the renewal loop; it is reported
 * once as a `ListenerError` (logged, then emitted as `error` when someone listens).
 */
import type { Channel } from 'node:diagnostics_channel';
import { captureRejectionSymbol, EventEmitter } from 'node:events';
import { emitIsolated } from '@userstream/core';
import { ListenerError } from '@userstream/stream';
import { channels } from './diagnostics.js';
import type { LeaseKey } from './lease-key.js';
import type { LeaseKind } from './lease-store.js';
import type { LeaseEvents } from './lease-types.js';
import { type Logger, silentLogger } from './logger.js';

/** The lifecycle events (everything but `error`). */
type LifecycleEvent = Exclude<keyof LeaseEvents, 'error'>;

const CHANNELS: Record<LifecycleEvent, Channel> = {
  renewed: channels.leaseRenewed,
  renewFailed: channels.leaseRenewFailed,
  recreated: channels.leaseRecreated,
  expired: channels.leaseExpired,
  closed: channels.leaseClosed,
};

export abstract class LeaseEmitter extends EventEmitter<LeaseEvents> {
  abstract readonly kind: LeaseKind;
  abstract readonly key: LeaseKey;
  protected abstract readonly logger: Logger;

  constructor() {
    // An async listener's rejected promise comes back to [captureRejectionSymbol] (below) instead
    // of becoming an unhandled rejection, which would end the process.
    super({ captureRejections: true });
  }

  /** A log-safe name of the lease: venue, the first 8 characters of the account's API key, and the symbol. */
  protected describe(): string {
    return `${this.key.venue} account ${this.key.account.slice(0, 8)}${this.key.symbol ? ` ${this.key.symbol}` : ''}`;
  }

  /**
   * Emits a lifecycle event to listeners, and to its diagnostics channel and the logger when either listens.
   */
  protected publish<K extends LifecycleEvent>(type: K, info: LeaseEvents[K][0]): void {
    const channel = CHANNELS[type];
    if (channel.hasSubscribers || this.logger !== silentLogger) this.#report(type, info, channel);
    this.#dispatch(type, info);
  }

  /** Publishes `userstream:keepalive:lease:created` for the new lease (no credential in it). */
  protected publishCreated(): void {
    if (channels.leaseCreated.hasSubscribers) {
      channels.leaseCreated.publish({
        lease: this.describe(),
        venue: this.key.venue,
        account: this.key.account.slice(0, 8),
        symbol: this.key.symbol,
        kind: this.kind,
      });
    }
  }

  #report<K extends LifecycleEvent>(type: K, info: LeaseEvents[K][0], channel: Channel): void {
    const summary = {
      lease: this.describe(),
      venue: this.key.venue,
      account: this.key.account.slice(0, 8),
      symbol: this.key.symbol,
      kind: this.kind,
      event: type,
      ...('reason' in info ? { reason: info.reason } : {}),
      ...('error' in info ? { code: info.error.code, consecutiveFailures: info.consecutiveFailures } : {}),
    };
    if (channel.hasSubscribers) channel.publish(summary);
    if (type === 'renewFailed' || type === 'expired') {
      this.logger.warn(summary, `@userstream/keepalive: lease ${type}`);
    } else {
      this.logger.debug(summary, `@userstream/keepalive: lease ${type}`);
    }
  }

  /** Where a throwing listener goes; made once, so a dispatch allocates nothing. */
  readonly #threw = (type: string, thrown: unknown): void => this.#listenerThrew(type, thrown);

  /** Calls each listener on its own, so one that throws costs no other. */
  #dispatch(type: keyof LeaseEvents, arg: unknown): void {
    emitIsolated(this, type, arg, this.#threw);
  }

  /** Node calls this when an async listener's promise rejects (see `captureRejections`). */
  override [captureRejectionSymbol](error: Error, type: unknown, ..._args: unknown[]): void {
    this.#listenerThrew(String(type), error);
  }

  #listenerThrew(type: string, thrown: unknown): void {
    const error = new ListenerError(type, thrown);
    this.logger.error(
      { lease: this.describe(), event: type, code: error.code, err: error.cause },
      '@userstream/keepalive: a lease event listener threw',
    );
    // An `error` listener that throws is logged only: reporting it as another `error` could loop.
    if (type !== 'error') this.#dispatch('error', error);
  }
}
