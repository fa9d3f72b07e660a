/** listenToken venues (Binance cross and isolated margin): WebSocket API subscriptions by token. */
import type { RestClient } from '@userstream/rest';
import { openWsApiStream, type WsApiStream } from '@userstream/stream';
import { ListenTokenLease } from './listen-token-lease.js';
import { type CredentialProtocol, openCredentialStream } from './open-credential-stream.js';
import { baseLeaseOptions, type OpenContext, type UserDataStreamHandle } from './open-shared.js';

const listenToken: CredentialProtocol<ListenTokenLease<RestClient>, WsApiStream> = {
  createLease(ctx, rest) {
    const { lease, symbol } = ctx.checked;
    return new ListenTokenLease({
      ...baseLeaseOptions(ctx),
      ...(symbol === undefined ? {} : { symbol }),
      rest,
      dispose: () => rest.close(),
      ...(lease.tokenValidityMs === undefined ? {} : { validityMs: lease.tokenValidityMs }),
      ...(lease.renewAt === undefined ? {} : { renewAt: lease.renewAt }),
    });
  },
  openStream: (ctx, credential) =>
    openWsApiStream({ ...ctx.stream, auth: { type: 'listenToken', token: credential } }),
  replaceCredential: (stream, credential) => stream.replaceListenToken(credential),
};

/** Opens a WebSocket API stream subscribed with the account's shared listenToken lease. */
export function openListenTokenUserDataStream(ctx: OpenContext): Promise<UserDataStreamHandle> {
  return openCredentialStream(ctx, listenToken);
}
