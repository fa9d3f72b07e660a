import { validateListenToken } from '@userstream/core';
import { invalidInput, type ResolvedOptions } from './options.js';
import type { WsApiCarrier } from './stream-contract.js';
import { UserDataStream } from './user-data-stream.js';
import type { WsApiSession } from './ws-api-session.js';

/** The only way to make a {@link WsApiStream}: its constructor is private (set by the class). */
export let createWsApiStream: (
  options: ResolvedOptions,
  session: WsApiSession,
  carrier: WsApiCarrier<WsApiStream>,
) => WsApiStream;

/**
 * One account's user data stream over the WebSocket API (Binance spot via signature or logon,
 * margin via listenTokens). Renew a listenToken with {@link replaceListenToken} before it lapses;
 * `@userstream/keepalive` does that for you.
 */
export class WsApiStream extends UserDataStream {
  readonly #session: WsApiSession;
  readonly #carrier: WsApiCarrier<WsApiStream>;

  static {
    createWsApiStream = (options, session, carrier) => new WsApiStream(options, session, carrier);
  }

  /** Use {@link openWsApiStream} or {@link WsApiSession.subscribe}. */
  private constructor(options: ResolvedOptions, session: WsApiSession, carrier: WsApiCarrier<WsApiStream>) {
    super(options);
    this.#session = session;
    this.#carrier = carrier;
  }

  /** The connection this stream's subscription lives on (shared when made by `session.subscribe`). */
  get session(): WsApiSession {
    return this.#session;
  }

  /**
   * Subscribes with a new listenToken on the same connection: before expiry this renews the
   * subscription without a gap; after a lapse (`eventStreamTerminated`) it subscribes again and
   * emits `gap`.
   */
  async replaceListenToken(token: string): Promise<void> {
    try {
      validateListenToken(token);
    } catch (error) {
      throw invalidInput((error as Error).message, 'listenToken');
    }
    if (this.closed) return;
    await this.#carrier.replaceToken(this, token);
  }

  get lastActivityAt(): number | undefined {
    return this.closed ? undefined : this.#carrier.lastActivity(this);
  }

  protected async release(): Promise<void> {
    await this.#carrier.release(this);
  }
}
