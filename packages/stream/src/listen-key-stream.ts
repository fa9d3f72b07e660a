import {
  ErrorCode,
  ExchangeCode,
  ProtocolError,
  parseDecodedFrame,
  parseFrame,
  RetiredEndpointError,
  streamUrl,
  type UserDataEvent,
} from '@userstream/core';
import type { Link, LinkEnd } from './link.js';
import {
  checkKey,
  type ListenKeyConnectionOptions,
  type ListenKeyStreamOptions,
} from './listen-key-options.js';
import { invalidInput, kit, type ResolvedOptions, resolveOptions } from './options.js';
import type { ListenKeyCarrier, StreamSink } from './stream-contract.js';
import type { CredentialExpiredInfo, GapReason } from './stream-events.js';
import { Transport } from './transport.js';
import { sinkOf, UserDataStream } from './user-data-stream.js';

interface Member {
  key: string;
  readonly stream: ListenKeyStream;
  readonly sink: StreamSink;
  /** The gap to announce when the next link including this member is ready. */
  pendingGap: GapReason | undefined;
  /** Whether the member has been live on a link (its first readiness is `open`). */
  live: boolean;
  /** The key `credentialExpired` was last emitted for (said once per key). */
  expiredKey: string | undefined;
}

/** `openListenKeyStream`'s way into its own (unshared) connection, which has no public add. */
let openOwn: (connection: ListenKeyConnection, key: string) => ListenKeyStream;

/**
 * Per link: which key each member had when the link's URL was built. A refusal or an expiry on
 * the link is about those keys, not about a key handed over since.
 */
type LinkKeys = Map<Member, string>;

/**
 * One WebSocket reading one listenKey (the raw stream, `/ws/<key>`) or several (the combined
 * stream, `/stream?streams=<k1>/<k2>`), each routed to its own {@link ListenKeyStream}.
 */
export class ListenKeyConnection extends Transport<LinkKeys> {
  /** Links that announced a pending gap before they were promoted (see #one, linkEnded). */
  readonly #announcedOn = new WeakSet<Link<LinkKeys>>();
  readonly #members = new Map<ListenKeyStream, Member>();
  readonly #byKey = new Map<string, Member>();
  readonly #shared: boolean;
  readonly #events: readonly string[] | undefined;
  /** Per link: its keys' members by key, built on the first frame (see #memberOn). */
  readonly #linkIndex = new WeakMap<Link<LinkKeys>, Map<string, Member>>();
  #single: Member | undefined;
  static {
    openOwn = (connection, key) => connection.#open(key);
  }

  /** What this connection's streams call on it (see stream-contract.ts). */
  readonly #carrier: ListenKeyCarrier<ListenKeyStream> = {
    release: (stream) => this.#remove(stream),
    replaceKey: (stream, key) => this.#replace(stream, key),
    lastActivity: () => this.lastActivity,
  };

  /** A connection for several listenKeys (the venue's combined stream path). */
  constructor(options: ListenKeyConnectionOptions);
  /** @internal `openListenKeyStream`'s own connection (stripped from the published types). */
  constructor(options: ResolvedOptions, shared: boolean, events: readonly string[] | undefined);
  constructor(
    options: ListenKeyConnectionOptions | ResolvedOptions,
    shared = true,
    events?: readonly string[] | undefined,
  ) {
    const resolved = shared
      ? resolveOptions(options, 'createListenKeyConnection', ['events'])
      : (options as ResolvedOptions);
    super(resolved, 'listenKey');
    this.#shared = shared;
    this.#events = shared ? (options as ListenKeyConnectionOptions).events : events;
    const venue = resolved.venue;
    if (venue.protocol !== 'listenKey' || !venue.listenKey || !venue.streamBaseUrl) {
      throw kit.invalid(
        `venue '${venue.id}' does not stream over listenKeys (its protocol is ${venue.protocol}); use openWsApiStream`,
        'venue',
      );
    }
    if (shared && !venue.listenKey.combinedStreamPath) {
      throw kit.invalid(
        `venue '${venue.id}' has no combined stream path; open one stream per listenKey`,
        'venue',
      );
    }
    this.checkUrl(venue.streamBaseUrl);
    // The final URL (base + path + key) must stay on the base's origin: check the profile's
    // path now with a stand-in key, so a hostile path fails here and never at a dial.
    this.#streamUrl(['0'.repeat(16)]);
  }

  /** Core builds and re-checks the URL (origin, plaintext rule); the message never holds a key. */
  #streamUrl(keys: readonly string[]): string {
    try {
      return streamUrl(this.options.venue, keys, {
        combined: this.#shared,
        allowInsecure: this.options.allowInsecure,
        ...(this.#events === undefined ? {} : { events: this.#events }),
      });
    } catch (error) {
      const field = (error as { field?: unknown }).field === 'events' ? 'events' : 'venue';
      throw kit.invalid((error as Error).message.replace(/^@userstream\/core: /, ''), field);
    }
  }

  /** Streams on this connection. */
  get size(): number {
    return this.#members.size;
  }

  /** Adds a listenKey: the connection moves to a URL that includes it (make-before-break). */
  open(options: { listenKey: string }): ListenKeyStream {
    if (this.closing) throw invalidInput('the connection is closed', 'connection');
    const key = checkKey(options?.listenKey, invalidInput);
    if (this.#byKey.has(key))
      throw invalidInput('this listenKey is already streamed on this connection', 'listenKey');
    return this.#open(key);
  }

  /** Makes `key`'s stream and adds it; a stream that fails to join is closed (it holds the process). */
  #open(key: string): ListenKeyStream {
    const stream = createListenKeyStream(this.options, this.#carrier);
    try {
      this.#add(stream, key);
    } catch (error) {
      void stream.close();
      throw error;
    }
    return stream;
  }

  /** Closes every stream and the socket. */
  async close(): Promise<void> {
    await Promise.all([...this.#members.keys()].map((s) => s.close()));
    await this.closeTransport();
  }

  /** `await using connection = createListenKeyConnection(...)`: `close()` at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #add(stream: ListenKeyStream, key: string): void {
    const member: Member = {
      key,
      stream,
      sink: sinkOf(stream),
      pendingGap: undefined,
      live: false,
      expiredKey: undefined,
    };
    this.#members.set(stream, member);
    this.#byKey.set(key, member);
    this.#single = this.#members.size === 1 ? member : undefined;
    if (this.current || this.candidate) this.rotate('membership');
    else this.connect();
  }

  async #remove(stream: ListenKeyStream): Promise<void> {
    const member = this.#members.get(stream);
    if (!member) return;
    this.#members.delete(stream);
    this.#byKey.delete(member.key);
    this.#single = this.#members.size === 1 ? ([...this.#members.values()][0] as Member) : undefined;
    if (this.#members.size === 0) {
      // Keep nothing open (or pending) for no one; the next open() connects again.
      await (this.#shared ? this.disconnect() : this.closeTransport());
      return;
    }
    this.rotate('membership');
  }

  #replace(stream: ListenKeyStream, key: string): void {
    const member = this.#members.get(stream);
    if (!member) return;
    if (member.key === key) {
      // Same key (a POST on an account with an active key returns it): reconnect if down.
      // The venue vouched for this key again: a later expiry of it is news.
      member.expiredKey = undefined;
      if (!this.current) this.reconnectNow();
      return;
    }
    if (this.#byKey.has(key))
      throw invalidInput('this listenKey is already streamed on this connection', 'listenKey');
    this.#byKey.delete(member.key);
    member.key = key;
    this.#byKey.set(key, member);
    // A different key: events between the old key's end and the new one's start may be lost.
    if (member.live) member.pendingGap = 'credential-changed';
    if (this.current) this.rotate('credential-changed');
    else this.reconnectNow();
  }

  protected url(): string {
    return this.#streamUrl(this.#dialled().map((m) => m.key));
  }

  /**
   * The members a new link carries. A shared link leaves out keys known to be dead (expired,
   * not yet replaced): the venue refuses a URL that names one, which would keep every other
   * account of the connection down with it. Only when every key is dead are they all dialled.
   */
  #dialled(): Member[] {
    if (!this.#shared) return [this.#single as Member];
    const all = [...this.#members.values()];
    const live = all.filter((m) => m.expiredKey !== m.key);
    return live.length > 0 ? live : all;
  }

  protected async prepare(): Promise<boolean> {
    return this.#members.size > 0;
  }

  protected promoted(next: Link<LinkKeys>, previous: Link<LinkKeys> | undefined, reason: string): void {
    for (const member of this.#members.values()) {
      // A member added (or re-keyed) while this link was dialling is not on it: it opens with the
      // link that carries its key, which the pending rotation brings.
      if (!this.#current(next, member)) continue;
      if (previous && reason !== 'membership' && reason !== 'credential-changed') member.sink.rotated();
      const gap = member.pendingGap;
      member.pendingGap = undefined;
      member.sink.subscribed(member.live ? gap : undefined);
      member.live = true;
    }
  }

  /**
   * A new link that announced a pending gap early (see #one) and then ended before it was
   * promoted leaves a new hole after its last event: it is announced again.
   */
  protected override linkEnded(link: Link<LinkKeys>): void {
    if (link !== this.candidate || !this.#announcedOn.has(link)) return;
    for (const member of this.#members.values()) if (member.live) member.pendingGap ??= 'reconnect';
  }

  protected lost(info: LinkEnd, attempt: number, delayMs: number): void {
    for (const member of this.#members.values()) {
      if (member.live) member.pendingGap ??= 'reconnect';
      member.sink.down({
        attempt,
        delayMs,
        reason: info.reason,
        ...(info.cause === undefined ? {} : { cause: info.cause }),
      });
    }
  }

  protected override overlapping(active: boolean): void {
    for (const m of this.#members.values()) m.sink.overlap(active);
  }

  protected linkState(): LinkKeys {
    const keys: LinkKeys = new Map();
    for (const m of this.#dialled()) keys.set(m, m.key);
    return keys;
  }

  /** Whether `link` carries `member`'s current key. */
  #current(link: Link<LinkKeys>, member: Member): boolean {
    return link.state.get(member) === member.key;
  }

  #expired(member: Member, reason: CredentialExpiredInfo): void {
    if (member.expiredKey === member.key) return;
    member.expiredKey = member.key;
    member.sink.credentialExpired(reason);
  }

  protected refused(link: Link<LinkKeys>, info: LinkEnd): void {
    const members = [...this.#members.values()].filter((m) => this.#current(link, m));
    if (info.status === 410) {
      const error = new RetiredEndpointError(
        `@userstream/stream: venue '${this.options.venue.id}' no longer serves listenKey streams (HTTP 410); use its current protocol (Binance spot: openWsApiStream; margin: listenTokens)`,
        { details: { status: 410 }, replacement: 'wsApi' },
      );
      for (const m of members) m.sink.fail(error);
      return;
    }
    if (info.exchangeCode === ExchangeCode.ListenKeyNotFound || info.status === 400 || info.status === 404) {
      for (const m of members) {
        this.#expired(m, {
          reason: 'invalid-credential',
          ...(info.exchangeCode === undefined ? {} : { code: info.exchangeCode }),
        });
      }
      return;
    }
    const error = this.refusalError(info, 'WebSocket upgrade');
    for (const m of members) m.sink.report(error);
  }

  /**
   * Routes one text frame of a link to the member streams it belongs to (one stream, or several keys' streams
   * on a combined connection).
   */
  protected onMessage(link: Link<LinkKeys>, text: string): void {
    // During a rotation both links deliver: the sequencer drops what the overlap repeats.
    const single = this.#single;
    if (single && !this.#shared) {
      const parsed = parseFrame(text, single.sink.dialect);
      if (!parsed.ok) {
        single.sink.malformed(parsed.error);
        return;
      }
      const events = parsed.events;
      for (let i = 0; i < events.length; i++) this.#one(link, single, events[i] as UserDataEvent, text, 0, i);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const error = new ProtocolError(
        `Malformed ${this.options.venue.dialect} frame: not valid JSON (${text.length} characters)`,
        { code: ErrorCode.MalformedFrame },
      );
      for (const m of this.#members.values()) m.sink.malformed(error);
      return;
    }
    const name = (value as { stream?: unknown } | null)?.stream;
    const member = this.#memberOn(link, name);
    if (!member) {
      // Never guessed: a frame goes only to the member whose key this link was built with and
      // the frame names. Without a `stream` name, only a one-key link says whose it is; a name
      // of a key that left the connection (its link not yet replaced) is dropped.
      const only =
        typeof name === 'string' || link.state.size !== 1 ? undefined : this.#memberOn(link, undefined);
      if (only) {
        const parsed = parseDecodedFrame(value, only.sink.dialect);
        if (!parsed.ok) only.sink.malformed(parsed.error);
        else
          for (let i = 0; i < parsed.events.length; i++)
            this.#one(link, only, parsed.events[i] as UserDataEvent, text, 0, i);
      }
      return;
    }
    const parsed = parseDecodedFrame(value, member.sink.dialect);
    if (!parsed.ok) {
      member.sink.malformed(parsed.error);
      return;
    }
    // Dedupe reads the event from `"data":` on: the same on every connection and stream name.
    const dataAt = text.indexOf('"data":');
    const from = dataAt >= 0 ? dataAt : 0;
    const events = parsed.events;
    for (let i = 0; i < events.length; i++)
      this.#one(link, member, events[i] as UserDataEvent, text, from, i);
  }

  /**
   * The member `link` carries under key `name` (undefined `name`: the link's only member), if it
   * is still on this connection. O(1) per frame: the index is built once per link.
   */
  #memberOn(link: Link<LinkKeys>, name: unknown): Member | undefined {
    let index = this.#linkIndex.get(link);
    if (!index) {
      index = new Map();
      for (const [m, key] of link.state) index.set(key, m);
      this.#linkIndex.set(link, index);
    }
    const member =
      name === undefined
        ? (link.state.keys().next().value as Member | undefined)
        : typeof name === 'string'
          ? index.get(name)
          : undefined;
    return member !== undefined && this.#members.get(member.stream) === member ? member : undefined;
  }

  #one(
    link: Link<LinkKeys>,
    member: Member,
    event: UserDataEvent,
    text: string,
    from: number,
    part: number,
  ): void {
    // A new link (a new key, a reconnect) delivers before it is promoted: the pending gap goes
    // out before its first event, or the gap would name a time after the hole. Events of the
    // current link are continuous with what came before and never trigger it.
    if (member.pendingGap !== undefined && member.live && link !== this.current) {
      const gap = member.pendingGap;
      member.pendingGap = undefined;
      this.#announcedOn.add(link);
      member.sink.subscribed(gap);
    }
    member.sink.ingest(event, text, link.lastActivity, from, part);
    if (event.e === 'listenKeyExpired' && this.#current(link, member)) {
      this.#expired(member, { reason: 'listenKeyExpired' });
    }
  }
}

/** The only way to make a {@link ListenKeyStream}: its constructor is private (set by the class). */
let createListenKeyStream: (
  options: ResolvedOptions,
  carrier: ListenKeyCarrier<ListenKeyStream>,
) => ListenKeyStream;

/**
 * One listenKey's events (Binance futures and portfolio margin, legacy spot/margin on
 * Binance-compatible venues, BHEX, Coins.ph). Replace the key with {@link replaceListenKey} when
 * it expires (`credentialExpired`); `@userstream/keepalive` does that for you.
 */
export class ListenKeyStream extends UserDataStream {
  readonly #carrier: ListenKeyCarrier<ListenKeyStream>;

  static {
    createListenKeyStream = (options, carrier) => new ListenKeyStream(options, carrier);
  }

  /** Use {@link openListenKeyStream} or {@link ListenKeyConnection.open}. */
  private constructor(options: ResolvedOptions, carrier: ListenKeyCarrier<ListenKeyStream>) {
    super(options);
    this.#carrier = carrier;
  }

  /**
   * Switches to a new listenKey make-before-break: the new stream is opened before the old one
   * is closed. A different key emits `gap` once the new one is live.
   */
  async replaceListenKey(listenKey: string): Promise<void> {
    const key = checkKey(listenKey, invalidInput);
    if (this.closed) return;
    this.#carrier.replaceKey(this, key);
    if (this.state === 'open') return;
    // Resolves once the stream is open on the new key, or the key is refused too, or after the
    // open timeout: never hangs a caller (a lease renewal job) on a key that does not work.
    await new Promise<void>((resolve) => {
      const clock = this.options.clock;
      const done = () => {
        clock.clearTimeout(timer);
        this.off('credentialExpired', done);
        this.off('closed', done);
        resolve();
      };
      const timer = clock.setTimeout(done, this.options.openTimeoutMs);
      this.once('credentialExpired', done);
      this.once('closed', done);
      this.opened().then(done, done);
    });
  }

  get lastActivityAt(): number | undefined {
    return this.closed ? undefined : this.#carrier.lastActivity(this);
  }

  protected async release(): Promise<void> {
    await this.#carrier.release(this);
  }
}

/**
 * Opens the raw stream of one listenKey and keeps it up: heartbeats, reconnects with backoff,
 * rotation before the 24 h cutoff, events in `E` order, once.
 *
 * ```ts
 * const stream = openListenKeyStream({ venue: 'binance-usdm', listenKey });
 * stream.on('ORDER_TRADE_UPDATE', (e) => console.log(e.o.s, e.o.X));
 * stream.on('credentialExpired', async () => stream.replaceListenKey(await rest.createListenKey()));
 * ```
 */
export function openListenKeyStream(options: ListenKeyStreamOptions): ListenKeyStream {
  const resolved = resolveOptions(options, 'openListenKeyStream', ['listenKey', 'events']);
  const key = checkKey((options as { listenKey?: unknown }).listenKey, kit.invalid);
  return openOwn(new ListenKeyConnection(resolved, false, options.events), key);
}

/** A connection for several listenKeys of one venue over its combined stream path. */
export function createListenKeyConnection(options: ListenKeyConnectionOptions): ListenKeyConnection {
  return new ListenKeyConnection(options);
}
