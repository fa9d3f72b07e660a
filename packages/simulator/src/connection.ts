import type { Clock, ClockTimer } from '@userstream/core';
import type { WebSocket } from 'ws';
import type { Sink } from './sink.js';

export type ConnectionKind = 'stream' | 'wsApi';

export interface HeartbeatOptions {
  /** Server ping cadence. */
  pingIntervalMs: number;
  /** A client that has not answered a server ping for this long is terminated. */
  pongTimeoutMs: number;
  /** The connection is closed at this age. */
  lifetimeMs: number;
}

/** The TCP socket under a `ws` WebSocket (`ws` keeps it in `_socket`; absent before open). */
function socketOf(ws: WebSocket): import('node:net').Socket | undefined {
  return (ws as unknown as { _socket?: import('node:net').Socket | null })._socket ?? undefined;
}

/** Called once when a connection ends, whatever the reason. */
export type ConnectionEndListener = (connection: SimConnection) => void;

/** The bytes the server wants to write, while a stall holds them back. */
const MAX_STALL_QUEUE = 100_000;
/** Real milliseconds a peer gets to complete the close handshake before its socket is destroyed. */
const CLOSE_HANDSHAKE_MS = 1000;

/**
 * One server-side WebSocket: heartbeat (ping every `pingIntervalMs`, terminate after
 * `pongTimeoutMs` without a pong to one of our pings, answer the client's pings), 24 h lifetime
 * and stalls, all on the injected clock.
 */
export class SimConnection {
  readonly id: number;
  readonly kind: ConnectionKind;
  readonly ws: WebSocket;
  readonly openedAt: number;
  /** Sinks (raw streams or subscriptions) carried by this connection. */
  readonly sinks = new Set<Sink>();
  #clock: Clock;
  #options: HeartbeatOptions;
  #pingTimer: ClockTimer | undefined;
  #pongDeadline: ClockTimer | undefined;
  #lifetimeTimer: ClockTimer | undefined;
  #pingSeq = 0;
  #outstandingPing: string | undefined;
  #stalled = false;
  #stallQueue: (string | Buffer)[] = [];
  #incoming: string[] = [];
  #ended = false;
  #onEnd: ConnectionEndListener;
  #onMessage: ((text: string) => void) | undefined;
  #killTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    id: number,
    ws: WebSocket,
    kind: ConnectionKind,
    clock: Clock,
    options: HeartbeatOptions,
    onEnd: ConnectionEndListener,
  ) {
    this.id = id;
    this.ws = ws;
    this.kind = kind;
    this.#clock = clock;
    this.#options = options;
    this.#onEnd = onEnd;
    this.openedAt = clock.now();
    ws.on('pong', (data: Buffer) => this.#pong(data));
    ws.on('ping', (data: Buffer) => {
      if (!this.#stalled) this.#safe(() => ws.pong(data));
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const text = isBinary ? '' : data.toString('utf8');
      if (this.#stalled) this.#incoming.push(text);
      else this.#onMessage?.(text);
    });
    ws.on('close', () => {
      if (this.#killTimer) clearTimeout(this.#killTimer);
      this.#killTimer = undefined;
      this.#end();
    });
    ws.on('error', () => this.#end());
    this.#lifetimeTimer = clock.setTimeout(() => {
      this.#lifetimeTimer = undefined;
      this.close(1000, 'connection lifetime reached');
    }, options.lifetimeMs);
    this.#schedulePing();
  }

  /** Handles text frames from the client (WebSocket API requests). */
  onMessage(listener: (text: string) => void): void {
    this.#onMessage = listener;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  /** Bytes queued in the socket, not yet written. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Sends a text frame, or a binary one (MEXC's protobuf pushes), held back while stalled. */
  send(frame: string | Buffer): void {
    if (this.#ended) return;
    if (this.#stalled) {
      if (this.#stallQueue.length < MAX_STALL_QUEUE) this.#stallQueue.push(frame);
      return;
    }
    this.#safe(() => this.ws.send(frame));
  }

  /** Sends and calls `done` once the frame has been handed to the OS (or the socket failed). */
  sendWithCallback(frame: string, done: () => void): void {
    if (this.#ended || this.#stalled) {
      this.send(frame);
      done();
      return;
    }
    try {
      this.ws.send(frame, () => done());
    } catch {
      done();
    }
  }

  /**
   * Writes already encoded WebSocket frames in one socket write (a burst's batch). The caller
   * sends frame by frame instead while the connection is stalled.
   */
  sendFrames(bytes: Buffer): void {
    if (this.#ended || this.#stalled || this.ws.readyState !== this.ws.OPEN) return;
    const socket = socketOf(this.ws);
    if (socket) this.#safe(() => socket.write(bytes));
  }

  /** Calls `done` once the socket has written out what it buffered (or has closed). */
  whenDrained(done: () => void): void {
    const socket = socketOf(this.ws);
    if (!socket || this.#ended || socket.destroyed || !socket.writableNeedDrain) {
      done();
      return;
    }
    const finish = () => {
      socket.off('drain', finish);
      socket.off('close', finish);
      done();
    };
    socket.on('drain', finish);
    socket.on('close', finish);
  }

  /** Stops sending data, pings and pongs, and stops reading requests, until {@link release}. */
  stall(): void {
    if (this.#ended || this.#stalled) return;
    this.#stalled = true;
    this.#clearHeartbeat();
  }

  /** Ends a stall. `flush: false` discards what the stall held back. */
  release(flush = true): void {
    if (!this.#stalled) return;
    this.#stalled = false;
    const queued = this.#stallQueue;
    const incoming = this.#incoming;
    this.#stallQueue = [];
    this.#incoming = [];
    if (this.#ended) return;
    if (flush) for (const frame of queued) this.#safe(() => this.ws.send(frame));
    for (const text of incoming) this.#onMessage?.(text);
    this.#schedulePing();
  }

  /** Clean close handshake. */
  close(code = 1000, reason = ''): void {
    if (this.#ended) return;
    this.#safe(() => this.ws.close(code, reason));
    // The close handshake can hang on a stalled or dead peer: make sure the socket goes.
    this.#end();
    if (this.ws.readyState !== this.ws.CLOSED) {
      const ws = this.ws;
      this.#killTimer = setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_MS);
      this.#killTimer.unref();
    }
  }

  /** Abrupt end: the TCP socket is destroyed without a close frame. */
  terminate(): void {
    this.#safe(() => this.ws.terminate());
    this.#end();
  }

  #schedulePing(): void {
    if (this.#ended || this.#stalled) return;
    this.#pingTimer = this.#clock.setTimeout(() => {
      this.#pingTimer = undefined;
      this.#ping();
    }, this.#options.pingIntervalMs);
  }

  #ping(): void {
    if (this.#ended || this.#stalled) return;
    const payload = String(++this.#pingSeq);
    this.#outstandingPing = payload;
    this.#safe(() => this.ws.ping(payload));
    if (!this.#pongDeadline) {
      this.#pongDeadline = this.#clock.setTimeout(() => {
        this.#pongDeadline = undefined;
        this.terminate();
      }, this.#options.pongTimeoutMs);
    }
    this.#schedulePing();
  }

  #pong(data: Buffer): void {
    if (this.#stalled || this.#outstandingPing === undefined) return;
    // Unsolicited pongs do not count: only an answer to one of our pings does.
    const text = data.toString('utf8');
    if (Number(text) > 0 && Number(text) <= this.#pingSeq) {
      this.#outstandingPing = undefined;
      if (this.#pongDeadline) {
        this.#clock.clearTimeout(this.#pongDeadline);
        this.#pongDeadline = undefined;
      }
    }
  }

  #clearHeartbeat(): void {
    if (this.#pingTimer) this.#clock.clearTimeout(this.#pingTimer);
    if (this.#pongDeadline) this.#clock.clearTimeout(this.#pongDeadline);
    this.#pingTimer = undefined;
    this.#pongDeadline = undefined;
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#clearHeartbeat();
    if (this.#lifetimeTimer) this.#clock.clearTimeout(this.#lifetimeTimer);
    this.#lifetimeTimer = undefined;
    this.#stallQueue = [];
    this.#incoming = [];
    this.#onEnd(this);
  }

  #safe(fn: () => void): void {
    try {
      fn();
    } catch {
      // A socket that is closing can throw on write; the 'close' handler cleans up.
    }
  }
}
