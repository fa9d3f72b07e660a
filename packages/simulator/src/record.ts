import type { VenueId } from '@userstream/core';

/** Where an event came from: the account engine, the load generator, a fault, or the protocol (expiry, termination). */
export type EventSource = 'engine' | 'load' | 'fault' | 'protocol';

/** One event the simulator emitted into an account's streams. */
export interface RecordedEvent {
  /** Event type (`e`). */
  readonly e: string;
  /** Event time (`E`) as sent. */
  readonly E: number;
  /** What produced it: the account `engine`, the `load` generator, a `fault`, or the `protocol` (expiry notices). */
  readonly source: EventSource;
  /** The payload, for engine events (load events are not kept, to stay cheap). */
  readonly event?: Readonly<Record<string, unknown>>;
}

/** Addresses an account's streams on one venue: by API key or account id. */
export interface AccountTarget {
  /** The account by API key (or give `accountId`). */
  apiKey?: string;
  /** The account by id (or give `apiKey`). */
  accountId?: string;
  /** The venue whose streams receive the events. */
  venue: VenueId;
  /** Isolated margin symbol (only isolated margin streams of this symbol). */
  symbol?: string;
}

/**
 * One listenKey request (create `POST`, keepalive `PUT`, close `DELETE`) as the simulator
 * received it. In-process data for tests: it holds raw listenKeys, so never print it whole.
 */
export interface CredentialRequest {
  /** Simulator clock time the request arrived (not skewed by a `skewClock` fault). */
  readonly at: number;
  /** `POST`, `PUT` or `DELETE`. */
  readonly method: string;
  /** The request path (no query). */
  readonly path: string;
  /** The venue id whose host and path it arrived on. */
  readonly venue: VenueId;
  /** The account the API key belongs to (undefined when the key was missing or rejected). */
  readonly accountId: string | undefined;
  /**
   * The key created, renewed or closed: the one answered to a `POST`, the one a `PUT`/`DELETE`
   * named or (futures, which name none) the account's active key; undefined when none was found.
   */
  readonly listenKey: string | undefined;
  /** HTTP status answered; 0 while a fault holds the request unanswered. */
  readonly status: number;
  /** The venue error code of a refused request (`-1125`, `-1003`…). */
  readonly code?: number;
  /**
   * The TCP peer, `address:port` (`[v6]:port`): tells clients apart by where they connect from
   * (e.g. each through its own proxy bound to its own loopback address), never by a header.
   */
  readonly peer: string;
}

/** What the simulator did, for tests and the demo to check clients against. */
export interface SimRecord {
  /**
   * Every event emitted into the streams of this account's book (the venue id picks the book:
   * spot ids share one), as that venue's streams were sent them (portfolio margin's in its own
   * dialect, with `fs`), in emission order, once each: duplicates and reordering that faults
   * put on the wire are not here, so a consumer can count what it lost or saw twice.
   */
  events(target: AccountTarget): readonly RecordedEvent[];
  /** Clock times of accepted keepalive `PUT`s of a listenKey. */
  keepalives(listenKey: string): readonly number[];
  /** Every listenKey request (POST/PUT/DELETE), in arrival order: who renewed or deleted which key when. */
  credentialRequests(): readonly CredentialRequest[];
  /** Requests received per `METHOD /path` (REST and admin). */
  requests(): Readonly<Record<string, number>>;
  /** Requests received for one method and path. */
  requestCount(method: string, path: string): number;
  /** Open WebSocket connections (raw streams and WebSocket API). */
  readonly connections: number;
  /** Open connections by kind. */
  readonly connectionsByKind: Readonly<{
    /** Raw listenKey streams. */
    stream: number;
    /** WebSocket API connections. */
    wsApi: number;
  }>;
  /** Forgets recorded events, keepalives, credential requests and request counts. */
  clear(): void;
}

/** The mutable store behind {@link SimRecord}. */
export class Recorder {
  readonly #events = new Map<string, RecordedEvent[]>();
  readonly #keepalives = new Map<string, number[]>();
  readonly #requests = new Map<string, number>();
  readonly #credentialRequests: CredentialRequest[] = [];
  enabled: boolean;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  event(targetKey: string, entry: RecordedEvent): void {
    if (!this.enabled) return;
    let list = this.#events.get(targetKey);
    if (!list) {
      list = [];
      this.#events.set(targetKey, list);
    }
    list.push(entry);
  }

  events(targetKey: string): readonly RecordedEvent[] {
    return this.#events.get(targetKey) ?? [];
  }

  keepalive(listenKey: string, at: number): void {
    let list = this.#keepalives.get(listenKey);
    if (!list) {
      list = [];
      this.#keepalives.set(listenKey, list);
    }
    list.push(at);
  }

  keepalives(listenKey: string): readonly number[] {
    return this.#keepalives.get(listenKey) ?? [];
  }

  credentialRequest(entry: CredentialRequest): void {
    this.#credentialRequests.push(entry);
  }

  credentialRequests(): readonly CredentialRequest[] {
    return [...this.#credentialRequests];
  }

  request(method: string, path: string): void {
    const key = `${method} ${path}`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
  }

  requests(): Record<string, number> {
    return Object.fromEntries(this.#requests);
  }

  requestCount(method: string, path: string): number {
    return this.#requests.get(`${method} ${path}`) ?? 0;
  }

  clear(): void {
    this.#events.clear();
    this.#keepalives.clear();
    this.#requests.clear();
    this.#credentialRequests.length = 0;
  }
}
