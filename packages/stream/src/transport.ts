import {
  assertSecureUrl,
  backoffDelay,
  type ClockTimer,
  ExchangeCode,
  ExchangeError,
  TransportError,
  type UserstreamError,
} from '@userstream/core';
import { channels } from './diagnostics.js';
import { Link, type LinkEnd } from './link.js';
import { kit, type ResolvedOptions } from './options.js';
import { type Wire, wireFor } from './wire.js';

/** A link that stayed open this long counts as healthy: its loss is retried at once. */
const HEALTHY_MS = 5_000;

export type ConnectionKind = 'listenKey' | 'wsApi';

/**
 * Owns the WebSocket(s) of one or more streams: connects, reconnects forever with capped
 * exponential backoff and full jitter, and rotates make-before-break (a new link is opened and
 * made ready before the old one is closed) ahead of the venue's connection lifetime, on
 * `serverShutdown` and when a credential changes. Subclasses say what a URL is, how a new link
 * is made ready (subscriptions), and how frames are routed; `S` is what they keep per link
 * (`linkState()`), carried by the link itself.
 */
export abstract class Transport<S> {
  /** The stream options, checked, with defaults filled in. */
  protected readonly options: ResolvedOptions;
  /** The link events are taken from. */
  protected current: Link<S> | undefined;
  /** A link being made ready to replace `current` (or to be the first). */
  protected candidate: Link<S> | undefined;
  /** Set by `close()`: no reconnect or rotation starts after it. */
  protected closing = false;
  #attempt = 0;
  #reconnectTimer: ClockTimer | undefined;
  #immediate: ReturnType<typeof setImmediate> | undefined;
  #rotationTimer: ClockTimer | undefined;
  #pendingRotation: string | undefined;
  readonly #kind: ConnectionKind;
  /** The venue's frame decoder and heartbeat, picked once (undefined: JSON and WebSocket pings). */
  readonly #wire: Wire | undefined;

  protected constructor(options: ResolvedOptions, kind: ConnectionKind) {
    this.options = options;
    this.#kind = kind;
    this.#wire = kind === 'listenKey' ? wireFor(options.venue, options.maxPayload) : undefined;
  }

  /**
   * Clock ms of the last frame, ping or pong received on the current link; undefined while no
   * link is open. A stream's proof of life: a stalled connection (socket open, nothing arriving)
   * stops advancing it.
   */
  get lastActivity(): number | undefined {
    const link = this.current;
    return link?.isOpen ? link.lastActivity : undefined;
  }

  /** The URL to connect to now (may carry a listenKey: never logged). */
  protected abstract url(): string;
  /** Makes a freshly opened link ready (subscriptions). Resolves false if it cannot be used. */
  protected abstract prepare(link: Link<S>): Promise<boolean>;
  /** One text frame of a link: route it (responses, events) to the streams it belongs to. */
  protected abstract onMessage(link: Link<S>, text: string): void;
  /** `current` was replaced by `next` (rotation): `reason` is why. */
  protected abstract promoted(next: Link<S>, previous: Link<S> | undefined, reason: string): void;
  /** `current` ended unexpectedly. */
  protected abstract lost(info: LinkEnd, attempt: number, delayMs: number): void;
  /** A link was refused at the upgrade (HTTP status and the venue's code). */
  protected abstract refused(link: Link<S>, info: LinkEnd): void;
  /** The state of a new link, made right after `url()` (so it can record what that URL carries). */
  protected abstract linkState(): S;
  /** Called when any link ended (before reconnect decisions). */
  protected linkEnded(_link: Link<S>): void {}
  /**
   * Two links may deliver the same events (`true`: a rotation's candidate exists, or the link it
   * replaced has not ended yet), or no longer can (`false`). Streams dedupe only while they may.
   */
  protected overlapping(_active: boolean): void {}

  /**
   * Refuses a plain `ws:` URL off loopback (unless `allowInsecure`): throws `InvalidInputError`
   * (`USERSTREAM_INVALID_CONFIG`) naming the `venue` option.
   */
  protected checkUrl(url: string): void {
    try {
      assertSecureUrl(url, 'venue URL', this.options.allowInsecure);
    } catch (error) {
      // A URL of the venue option: configuration, refused as every other factory option is.
      throw kit.invalid((error as Error).message, 'venue');
    }
  }

  /** Opens the first link (or a replacement when none is open). */
  protected connect(): void {
    if (this.closing || this.candidate) return;
    this.candidate = this.#open();
  }

  /** Make-before-break: opens a new link and switches to it once ready. */
  protected rotate(reason: string): void {
    if (this.closing) return;
    if (this.candidate) {
      // A rotation is already under way; remember to rotate again once it lands (the URL may have changed).
      this.#pendingRotation = reason;
      return;
    }
    if (!this.current) {
      this.#cancelReconnect();
      this.connect();
      return;
    }
    if (channels.rotate.hasSubscribers)
      channels.rotate.publish({ venue: this.options.venue.id, connection: this.current.id, reason });
    this.options.logger.debug({ venue: this.options.venue.id, reason }, 'rotating connection');
    this.#rotationReason = reason;
    this.candidate = this.#open();
    this.#updateOverlap();
  }

  /** Links replaced by a rotation that have not ended yet (they still deliver what they had). */
  readonly #retiring = new Set<Link<S>>();
  #overlap = false;

  #updateOverlap(): void {
    const active = this.current !== undefined && (this.candidate !== undefined || this.#retiring.size > 0);
    if (active === this.#overlap) return;
    this.#overlap = active;
    this.overlapping(active);
  }

  #rotationReason = 'reconnect';

  /** Closes the transport for good: nothing reconnects afterwards. */
  protected async closeTransport(): Promise<void> {
    this.closing = true;
    await this.disconnect();
  }

  /**
   * Closes every link and cancels pending reconnects and rotations; `connect()` starts again
   * (a shared connection left with no streams).
   */
  protected async disconnect(): Promise<void> {
    this.#cancelReconnect();
    if (this.#rotationTimer) this.options.clock.clearTimeout(this.#rotationTimer);
    this.#rotationTimer = undefined;
    this.#pendingRotation = undefined;
    const links = [this.current, this.candidate].filter((l): l is Link<S> => l !== undefined);
    this.current = undefined;
    this.candidate = undefined;
    for (const link of links) link.close();
    await Promise.all(links.map((l) => l.closed()));
  }

  /** The error reported for a refused upgrade that is not about the credential. */
  protected refusalError(info: LinkEnd, context: string): UserstreamError {
    return info.status === 429 || info.status === 418
      ? new ExchangeError(ExchangeCode.TooManyRequests, 'connection refused: rate limited', {
          status: info.status,
          context,
        })
      : new TransportError(`@userstream/stream: the venue refused the connection (HTTP ${info.status})`, {
          details: { status: info.status },
        });
  }

  #open(): Link<S> {
    const url = this.url();
    return new Link<S>(
      url,
      {
        clock: this.options.clock,
        heartbeat: this.options.heartbeat,
        openTimeoutMs: this.options.openTimeoutMs,
        maxPayload: this.options.maxPayload,
        agent: this.options.agent,
        wire: this.#wire,
      },
      {
        open: (link) => this.#onOpen(link),
        message: (link, text) => this.onMessage(link, text),
        end: (link, info) => {
          this.#retiring.delete(link);
          this.#onEnd(link, info);
          this.#updateOverlap();
        },
      },
      this.linkState(),
    );
  }

  #onOpen(link: Link<S>): void {
    if (channels.connect.hasSubscribers) {
      channels.connect.publish({ venue: this.options.venue.id, connection: link.id, kind: this.#kind });
    }
    this.prepare(link).then(
      (ready) => {
        if (link !== this.candidate) return;
        if (!ready || this.closing) {
          link.close();
          return;
        }
        this.#promote(link);
      },
      () => {
        if (link === this.candidate) link.close();
      },
    );
  }

  #promote(link: Link<S>): void {
    const previous = this.current;
    this.candidate = undefined;
    this.current = link;
    const reason = previous ? this.#rotationReason : 'connect';
    this.promoted(link, previous, reason);
    if (previous) {
      this.#retiring.add(previous);
      previous.close();
    }
    this.#updateOverlap();
    this.#armRotation(link);
    const pending = this.#pendingRotation;
    this.#pendingRotation = undefined;
    if (pending) this.rotate(pending);
  }

  #armRotation(link: Link<S>): void {
    const rotation = this.options.rotation;
    if (this.#rotationTimer) this.options.clock.clearTimeout(this.#rotationTimer);
    this.#rotationTimer = undefined;
    if (!rotation) return;
    const lifetime = this.options.venue.timing.connectionLifetimeMs;
    const elapsed = this.options.clock.now() - (link.openedAt ?? this.options.clock.now());
    const delay = Math.max(
      0,
      lifetime - rotation.marginMs - Math.floor(this.options.random() * rotation.jitterMs) - elapsed,
    );
    this.#rotationTimer = this.options.clock.setTimeout(() => {
      this.#rotationTimer = undefined;
      if (this.current === link) this.rotate('lifetime');
    }, delay);
  }

  #onEnd(link: Link<S>, info: LinkEnd): void {
    if (channels.disconnect.hasSubscribers) {
      channels.disconnect.publish({
        venue: this.options.venue.id,
        connection: link.id,
        kind: this.#kind,
        reason: info.reason,
        code: info.closeCode,
        status: info.status,
      });
    }
    this.linkEnded(link);
    if (this.closing) return;
    if (info.reason === 'rejected') this.refused(link, info);
    if (link === this.candidate) {
      this.candidate = undefined;
      if (this.current) {
        // A rotation failed while the old link still works: try again after a backoff.
        this.#attempt++;
        const delay = backoffDelay(this.#attempt, this.options.backoff);
        this.#schedule(delay, () => this.rotate(this.#rotationReason));
        return;
      }
      this.#retry(link, info);
      return;
    }
    if (link !== this.current) return;
    this.current = undefined;
    if (this.#rotationTimer) this.options.clock.clearTimeout(this.#rotationTimer);
    this.#rotationTimer = undefined;
    this.#retry(link, info);
  }

  #retry(link: Link<S>, info: LinkEnd): void {
    // A link that carried data or lived a while was healthy: its loss starts the backoff afresh.
    // The first retry is immediate; later ones back off (a flapping server is not hammered).
    // A frame above maxPayload is not health: a venue that sends one on every connection would
    // otherwise be redialled at once, forever, so that loss always backs off and keeps growing.
    const oversized = info.reason === 'payload-too-large';
    if (!oversized && (info.openForMs >= HEALTHY_MS || link.received > 0)) this.#attempt = 0;
    this.#attempt++;
    const delay =
      this.#attempt === 1 && !oversized
        ? 0
        : backoffDelay(this.#attempt, { ...this.options.backoff, minDelayMs: 1 });
    const cause = info.cause === undefined ? {} : { cause: info.cause };
    const message = {
      venue: this.options.venue.id,
      attempt: this.#attempt,
      delayMs: delay,
      reason: info.reason,
    };
    if (channels.reconnecting.hasSubscribers) channels.reconnecting.publish({ ...message, ...cause });
    this.options.logger.debug({ ...message, ...cause }, 'reconnecting');
    this.lost(info, this.#attempt, delay);
    this.#schedule(delay, () => this.connect());
  }

  /** Reconnects now, skipping the backoff (a credential was replaced). */
  protected reconnectNow(): void {
    if (this.closing) return;
    this.#cancelReconnect();
    this.#attempt = 0;
    if (!this.current && !this.candidate) this.connect();
  }

  #schedule(delay: number, run: () => void): void {
    this.#cancelReconnect();
    if (delay <= 0) {
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined;
        if (!this.closing) run();
      });
      return;
    }
    this.#reconnectTimer = this.options.clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (!this.closing) run();
    }, delay);
  }

  #cancelReconnect(): void {
    if (this.#reconnectTimer) this.options.clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
  }
}
