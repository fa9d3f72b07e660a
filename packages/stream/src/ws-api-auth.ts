/**
 * How a WebSocket API subscription is authorized: the auth option and its check, the signed
 * parameters (timestamp corrected by the venue's time, recvWindow scaled on a scaled clock), the
 * request that subscribes with each kind of auth, and the secrets they send (kept so that what a
 * venue quotes back in an error is redacted).
 */
import {
  type Clock,
  clockSpeed,
  ExchangeCode,
  ExchangeError,
  type Signer,
  signWsApiParams,
  validateApiKey,
  validateListenToken,
  validateRecvWindow,
} from '@userstream/core';
import type { Logger } from './logger.js';
import type { Refuse } from './options.js';
import { SecretRing, secretsOf } from './secret-ring.js';

/** How a WebSocket API subscription is authorized. */
export type WsApiAuth =
  /** `userDataStream.subscribe.signature`: any key type (HMAC, RSA, Ed25519). */
  | {
      /** Selects this form. */
      type: 'signature';
      /** The API key sent in the request (never logged). */
      apiKey: string;
      /** Signs each subscription request (`createSigner(keyMaterial)`, or your KMS/HSM signer). */
      signer: Signer;
      /** Validity of the signed request, ms. @default 5000 (max 60000) */
      recvWindow?: number;
    }
  /** `session.logon` (Ed25519 keys only) then `userDataStream.subscribe`: one per connection. */
  | {
      /** Selects this form. */
      type: 'logon';
      /** The API key of the Ed25519 key (never logged). */
      apiKey: string;
      /** An Ed25519 signer (another key type is refused with `InvalidInputError`). */
      signer: Signer;
      /** Validity of the signed logon, ms. @default 5000 (max 60000) */
      recvWindow?: number;
    }
  /** `userDataStream.subscribe.listenToken` (margin): renew with `replaceListenToken`. */
  | {
      /** Selects this form. */
      type: 'listenToken';
      /** The listenToken from `POST /sapi/v1/userListenToken` (a secret: never logged). */
      token: string;
    };

export type Json = Record<string, unknown>;

/** Sends one request on the link being subscribed (see `WsApiRequests.send`). */
export type Send = (method: string, params?: Json, onOk?: (result: unknown) => void) => Promise<unknown>;

/** The venue's default recvWindow, and the largest it accepts. */
const VENUE_RECV_WINDOW_MS = 5_000;
const MAX_RECV_WINDOW_MS = 60_000;

/**
 * Checks an `auth` value. `refuse` says where it came from: `kit.invalid` for a factory's option
 * (`USERSTREAM_INVALID_CONFIG`), `invalidInput` for `session.subscribe()`'s argument.
 */
export function checkAuth(auth: unknown, refuse: Refuse): WsApiAuth {
  if (typeof auth !== 'object' || auth === null) {
    throw refuse(
      "auth must be { type: 'signature' | 'logon', apiKey, signer } or { type: 'listenToken', token }",
      'auth',
    );
  }
  const a = auth as Record<string, unknown>;
  if (a.type === 'listenToken') {
    try {
      validateListenToken(a.token, 'auth.token');
    } catch (error) {
      throw refuse((error as Error).message, 'auth.token');
    }
    return { type: 'listenToken', token: a.token as string };
  }
  if (a.type !== 'signature' && a.type !== 'logon') {
    throw refuse("auth.type must be 'signature', 'logon' or 'listenToken'", 'auth.type');
  }
  try {
    validateApiKey(a.apiKey, 'auth.apiKey');
  } catch (error) {
    throw refuse((error as Error).message, 'auth.apiKey');
  }
  const signer = a.signer as Signer | undefined;
  if (typeof signer?.sign !== 'function') {
    throw refuse('auth.signer must be a signer from createSigner() in @userstream/core', 'auth.signer');
  }
  if (a.type === 'logon' && signer.keyType !== 'ed25519') {
    throw refuse(
      "session.logon needs an Ed25519 key; use type 'signature' for HMAC or RSA keys",
      'auth.type',
    );
  }
  if (a.recvWindow !== undefined) {
    try {
      validateRecvWindow(a.recvWindow);
    } catch (error) {
      throw refuse((error as Error).message, 'auth.recvWindow');
    }
  }
  return {
    type: a.type,
    apiKey: a.apiKey as string,
    signer,
    ...(a.recvWindow === undefined ? {} : { recvWindow: a.recvWindow as number }),
  };
}

/** What one link has done about auth (`session.logon` holds for the connection it was sent on). */
export interface LinkAuth {
  loggedOn: boolean;
}

/** One session's signing and the secrets its requests carried. */
export class WsApiSigning {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #venueId: string;
  /** Every secret this connection sent, to redact what a venue quotes back in its errors. */
  readonly #sent = new SecretRing();
  /** Server time minus local clock, measured with `time` after a -1021. */
  #offsetMs = 0;
  /**
   * The venue's 5 s default window is real time: on a scaled clock it is scaled as every network
   * bound is (core's clockSpeed), within the venue's 60 s limit; unscaled, the venue's default.
   */
  readonly #recvWindow: number | undefined;

  constructor(clock: Clock, logger: Logger, venueId: string) {
    this.#clock = clock;
    this.#logger = logger;
    this.#venueId = venueId;
    const speed = clockSpeed(clock);
    this.#recvWindow =
      speed === 1
        ? undefined
        : Math.max(1, Math.min(MAX_RECV_WINDOW_MS, Math.round(VENUE_RECV_WINDOW_MS * speed)));
  }

  /**
   * Subscribes with `auth` on the link `send` writes to (logging on first when the link has not),
   * measuring the venue's time and trying once more after a timestamp refusal (-1021).
   */
  async subscribe(
    auth: WsApiAuth,
    link: LinkAuth,
    send: Send,
    onOk?: (result: unknown) => void,
    retryClock = true,
  ): Promise<unknown> {
    try {
      if (auth.type === 'listenToken') {
        return await send('userDataStream.subscribe.listenToken', { listenToken: auth.token }, onOk);
      }
      if (auth.type === 'logon') {
        if (!link.loggedOn) {
          await send('session.logon', await this.#signed(auth));
          link.loggedOn = true;
        }
        return await send('userDataStream.subscribe', undefined, onOk);
      }
      return await send('userDataStream.subscribe.signature', await this.#signed(auth), onOk);
    } catch (error) {
      if (
        retryClock &&
        error instanceof ExchangeError &&
        error.exchangeCode === ExchangeCode.TimestampOutsideRecvWindow
      ) {
        await this.#syncTime(send);
        return this.subscribe(auth, link, send, onOk, false);
      }
      throw error;
    }
  }

  /** Remembers the secrets a request's `params` carry; returns them (that request's own). */
  remember(params: Json | undefined): readonly string[] {
    const secrets = secretsOf(params);
    for (const secret of secrets) this.#sent.remember(secret);
    return secrets;
  }

  /** What to redact from an error: the request's own secrets, all sent, the credentials in use. */
  redact(own: readonly string[], auths: Iterable<WsApiAuth>): string[] {
    const out = [...own, ...this.#sent.values()];
    for (const auth of auths) out.push(auth.type === 'listenToken' ? auth.token : auth.apiKey);
    return out;
  }

  async #signed(auth: Extract<WsApiAuth, { apiKey: string }>): Promise<Json> {
    const params: Record<string, string | number> = {
      apiKey: auth.apiKey,
      timestamp: this.#clock.now() + this.#offsetMs,
    };
    if (auth.recvWindow !== undefined) params.recvWindow = auth.recvWindow;
    else if (this.#recvWindow !== undefined) params.recvWindow = this.#recvWindow;
    return signWsApiParams(params, auth.signer);
  }

  async #syncTime(send: Send): Promise<void> {
    const before = this.#clock.now();
    const result = (await send('time')) as { serverTime?: unknown };
    const after = this.#clock.now();
    if (typeof result?.serverTime === 'number') {
      this.#offsetMs = result.serverTime - Math.round((before + after) / 2);
      this.#logger.info({ venue: this.#venueId, offsetMs: this.#offsetMs }, 'server time offset measured');
    }
  }
}
