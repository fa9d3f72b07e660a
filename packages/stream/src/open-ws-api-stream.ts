/** The factories of WebSocket API streams and sessions (the session itself is ws-api-session.ts). */
import { kit, resolveOptions, type StreamOptions } from './options.js';
import { checkAuth, type WsApiAuth } from './ws-api-auth.js';
import { subscribeOwn, WsApiSession, type WsApiSessionOptions } from './ws-api-session.js';
import type { WsApiStream } from './ws-api-stream.js';

/** Options of {@link openWsApiStream}: the common stream options plus how the subscription is authorized. */
export interface WsApiStreamOptions extends StreamOptions {
  /** A signature subscription (any key type), a `session.logon` (Ed25519), or a listenToken (margin). */
  auth: WsApiAuth;
}

/**
 * Opens one account's user data stream on its own WebSocket API connection and keeps it up.
 *
 * ```ts
 * const stream = openWsApiStream({
 *   venue: 'binance-spot',
 *   auth: { type: 'signature', apiKey, signer: createSigner({ secret }) },
 * });
 * stream.on('executionReport', (e) => console.log(e.s, e.X, e.z));
 * ```
 */
export function openWsApiStream(options: WsApiStreamOptions): WsApiStream {
  const resolved = resolveOptions(options, 'openWsApiStream', ['auth']);
  const auth = checkAuth((options as { auth?: unknown }).auth, kit.invalid);
  return subscribeOwn(new WsApiSession(resolved, false), auth);
}

/** A WebSocket API connection for many accounts' subscriptions. */
export function createWsApiSession(options: WsApiSessionOptions): WsApiSession {
  return new WsApiSession(options);
}
