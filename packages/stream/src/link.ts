import type { Agent, IncomingMessage } from 'node:http';
import { type Clock, type ClockTimer, describeNetworkCause } from '@userstream/core';
import WebSocket from 'ws';
import type { HeartbeatOptions } from './options.js';
import type { Wire, WireControl } from './wire.js';

/** Why a link ended. */
export type LinkEndReason =
  | 'closed-by-client'
  | 'closed-by-server'
  | 'connection-failed'
  | 'rejected'
  | 'open-timeout'
  | 'pong-timeout'
  | 'inactive'
  /** The peer sent a frame above `maxPayload` (ws closed the socket with 1009 without reading it). */
  | 'payload-too-large';

export interface LinkEnd {
  reason: LinkEndReason;
  /** WebSocket close code, when there was a close frame. */
  closeCode?: number;
  /** The HTTP status of a refused upgrade. */
  status?: number;
  /** The venue's error code in a refused upgrade's body (e.g. -1125). */
  exchangeCode?: number;
  /** How long the link had been open (0 if it never opened). */
  openForMs: number;
  /** Why it could not connect (`connect ECONNREFUSED 127.0.0.1:9`), from the error's fields only. */
  cause?: string;
}

export interface LinkHandlers<S> {
  open(link: Link<S>): void;
  message(link: Link<S>, text: string): void;
  end(link: Link<S>, info: LinkEnd): void;
}

let nextLinkId = 0;

/** Real milliseconds a peer gets to finish the close handshake before the socket is destroyed. */
const CLOSE_GRACE_MS = 1000;
/** Bytes of a refused upgrade's body read to find the venue's error code. */
const MAX_REJECTION_BODY = 2048;

/**
 * One WebSocket and its liveness: answers server pings (ws does), sends its own pings and ends
 * the link when a pong does not come back within `pongTimeoutMs` or nothing at all arrives for
 * `inactivityTimeoutMs` (a half-open or stalled connection), all on the injected clock. The URL
 * (which may carry a listenKey) is never stored or reported.
 *
 * `S` is what the owning transport keeps per link (subscription routes on the WebSocket API, the
 * keys a listenKey URL carried): typed here so no transport keeps a side table or casts it back.
 */
export class Link<S> implements WireControl {
  readonly id = ++nextLinkId;
  readonly #ws: WebSocket;
  readonly #clock: Clock;
  readonly #heartbeat: Required<HeartbeatOptions> | undefined;
  readonly #handlers: LinkHandlers<S>;
  /** The venue's frame decoder and heartbeat (undefined: JSON text and WebSocket pings). */
  readonly #wire: Wire | undefined;
  #openTimer: ClockTimer | undefined;
  #pingTimer: ClockTimer | undefined;
  #pongTimer: ClockTimer | undefined;
  #killTimer: ReturnType<typeof setTimeout> | undefined;
  #lastActivity: number;
  #openedAt: number | undefined;
  #ended = false;
  #endInfo: Partial<LinkEnd> | undefined;
  /** What the owning transport keeps about this link (see the class comment). */
  readonly state: S;
  /** Text frames received. */
  received = 0;

  constructor(
    url: string,
    options: {
      clock: Clock;
      heartbeat: Required<HeartbeatOptions> | undefined;
      openTimeoutMs: number;
      maxPayload: number;
      /** A proxy's agent (HTTP CONNECT or SOCKS): the socket is dialled through it. */
      agent?: Agent | undefined;
      wire?: Wire | undefined;
    },
    handlers: LinkHandlers<S>,
    state: S,
  ) {
    this.state = state;
    this.#clock = options.clock;
    this.#heartbeat = options.heartbeat;
    this.#handlers = handlers;
    this.#wire = options.wire;
    this.#lastActivity = options.clock.now();
    // maxPayload: ws refuses a bigger frame before buffering it (its own default is 100 MiB).
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      followRedirects: false,
      maxPayload: options.maxPayload,
      ...(options.agent === undefined ? {} : { agent: options.agent }),
    });
    this.#ws = ws;
    this.#openTimer = options.clock.setTimeout(() => {
      this.#openTimer = undefined;
      this.#fail({ reason: 'open-timeout' });
    }, options.openTimeoutMs);
    ws.on('open', () => this.#onOpen());
    // The decoder is chosen here, once: a JSON venue's listener is the plain one, no indirection.
    const wire = options.wire;
    if (wire === undefined) {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (this.#ended) return;
        this.received++;
        this.#lastActivity = this.#clock.now();
        this.#handlers.message(this, isBinary ? '' : data.toString());
      });
    } else {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (this.#ended) return;
        this.#lastActivity = this.#clock.now();
        // Heartbeats and acks are answered inside decode and are not data.
        const text = wire.decode(data, isBinary, this);
        if (text === undefined || this.#ended) return;
        this.received++;
        this.#handlers.message(this, text);
      });
    }
    ws.on('ping', () => {
      this.#lastActivity = this.#clock.now();
    });
    ws.on('pong', () => {
      this.#lastActivity = this.#clock.now();
      if (this.#pongTimer) {
        this.#clock.clearTimeout(this.#pongTimer);
        this.#pongTimer = undefined;
      }
    });
    ws.on('unexpected-response', (req, res: IncomingMessage) => this.#onRejected(req, res));
    // Errors are followed by 'close'; their messages can name the host, never the path.
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.#endInfo ??= { reason: 'payload-too-large' };
        return;
      }
      if (this.#openedAt === undefined && !this.#endInfo) {
        const cause = describeNetworkCause(error);
        this.#endInfo = { reason: 'connection-failed', ...(cause === undefined ? {} : { cause }) };
      }
    });
    ws.on('close', (code: number) => this.#onClose(code));
  }

  get isOpen(): boolean {
    return !this.#ended && this.#ws.readyState === WebSocket.OPEN;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Clock ms of the last frame, ping or pong received. */
  get lastActivity(): number {
    return this.#lastActivity;
  }

  get openedAt(): number | undefined {
    return this.#openedAt;
  }

  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.#ws.send(text);
    return true;
  }

  /** The venue answered the client's ping in a text frame (see wire.ts). */
  heartbeatAnswered(): void {
    if (this.#pongTimer) {
      this.#clock.clearTimeout(this.#pongTimer);
      this.#pongTimer = undefined;
    }
  }

  /** Closes with a close frame (the socket is destroyed if the peer does not answer in 1 s). */
  close(): void {
    if (this.#ended) return;
    this.#endInfo ??= { reason: 'closed-by-client' };
    this.#stopTimers();
    const ws = this.#ws;
    if (ws.readyState === WebSocket.CONNECTING) {
      ws.terminate();
      return;
    }
    ws.close(1000);
    this.#killTimer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    this.#killTimer.unref();
  }

  /** Resolves when the socket is fully closed. */
  closed(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.#ws.once('close', () => resolve()));
  }

  #onOpen(): void {
    if (this.#ended) return;
    if (this.#openTimer) this.#clock.clearTimeout(this.#openTimer);
    this.#openTimer = undefined;
    this.#openedAt = this.#clock.now();
    this.#lastActivity = this.#openedAt;
    // Subscriptions first (MEXC drops a connection that has none for 30 s).
    if (this.#wire) for (const message of this.#wire.subscribe) this.#ws.send(message);
    this.#schedulePing();
    this.#handlers.open(this);
  }

  #schedulePing(): void {
    const hb = this.#heartbeat;
    if (!hb || this.#ended) return;
    this.#pingTimer = this.#clock.setTimeout(() => {
      this.#pingTimer = undefined;
      this.#tick(hb);
    }, hb.pingIntervalMs);
  }

  #tick(hb: Required<HeartbeatOptions>): void {
    if (this.#ended) return;
    if (this.#clock.now() - this.#lastActivity >= hb.inactivityTimeoutMs) {
      this.#fail({ reason: 'inactive' });
      return;
    }
    const wire = this.#wire;
    try {
      if (wire === undefined || wire.heartbeat === 'ws') this.#ws.ping();
      else wire.ping(this, this.#clock.now());
    } catch {
      // The socket is closing; 'close' follows.
    }
    // A venue that pings the client itself (BingX) is watched by the inactivity bound alone.
    if (!this.#pongTimer && (wire === undefined || wire.clientPings)) {
      const receivedAtPing = this.received;
      this.#pongTimer = this.#clock.setTimeout(() => {
        this.#pongTimer = undefined;
        // Frames read since the ping prove the socket delivers: the pong may sit behind a backlog
        // (a burst still being parsed, a venue answering pings late under load), and ending a
        // busy, healthy link would cost a reconnect and a gap. The next ping asks again.
        if (this.received !== receivedAtPing) return;
        this.#fail({ reason: 'pong-timeout' });
      }, hb.pongTimeoutMs);
    }
    this.#schedulePing();
  }

  #onRejected(req: { destroy(): void }, res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      let exchangeCode: number | undefined;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: unknown };
        if (typeof body.code === 'number') exchangeCode = body.code;
      } catch {
        // Not JSON: the status is all there is.
      }
      this.#fail({ reason: 'rejected', status, ...(exchangeCode === undefined ? {} : { exchangeCode }) });
      req.destroy();
    };
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REJECTION_BODY) chunks.push(chunk);
    });
    res.on('end', done);
    res.on('error', done);
  }

  /** Ends the link abruptly (a dead or refused connection). */
  #fail(info: Partial<LinkEnd>): void {
    if (this.#ended) return;
    this.#endInfo = info;
    this.#stopTimers();
    this.#ws.terminate();
    // terminate() on a socket that never connected may not emit 'close' synchronously.
    this.#finish(undefined);
  }

  #onClose(code: number): void {
    if (this.#killTimer) clearTimeout(this.#killTimer);
    this.#killTimer = undefined;
    this.#finish(code);
  }

  #finish(closeCode: number | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopTimers();
    const info = this.#endInfo ?? {
      reason: this.#openedAt === undefined ? 'connection-failed' : 'closed-by-server',
    };
    const end: LinkEnd = {
      reason: info.reason as LinkEndReason,
      openForMs: this.#openedAt === undefined ? 0 : Math.max(0, this.#clock.now() - this.#openedAt),
      ...(closeCode === undefined || closeCode === 1006 ? {} : { closeCode }),
      ...(info.status === undefined ? {} : { status: info.status }),
      ...(info.exchangeCode === undefined ? {} : { exchangeCode: info.exchangeCode }),
      ...(info.cause === undefined ? {} : { cause: info.cause }),
    };
    this.#handlers.end(this, end);
  }

  #stopTimers(): void {
    if (this.#openTimer) this.#clock.clearTimeout(this.#openTimer);
    if (this.#pingTimer) this.#clock.clearTimeout(this.#pingTimer);
    if (this.#pongTimer) this.#clock.clearTimeout(this.#pongTimer);
    this.#openTimer = undefined;
    this.#pingTimer = undefined;
    this.#pongTimer = undefined;
  }
}
