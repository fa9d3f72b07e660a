/** listenKey venues (futures, portfolio margin, BHEX, Coins.ph, legacy spot): a raw stream per key. */
import type { RestClient } from '@userstream/rest';
import { type ListenKeyStream, openListenKeyStream } from '@userstream/stream';
import { ListenKeyLease } from './listen-key-lease.js';
import { type CredentialProtocol, openCredentialStream } from './open-credential-stream.js';
import { baseLeaseOptions, type OpenContext, type UserDataStreamHandle } from './open-shared.js';

const listenKey: CredentialProtocol<ListenKeyLease<RestClient>, ListenKeyStream> = {
  createLease(ctx, rest) {
    const { venue, lease, symbol } = ctx.checked;
    return new ListenKeyLease({
      ...baseLeaseOptions(ctx),
      ...(symbol === undefined ? {} : { symbol }),
      rest,
      dispose: () => rest.close(),
      renewIntervalMs: lease.renewIntervalMs ?? venue.timing.renewIntervalMs,
      validityMs: lease.validityMs ?? venue.timing.keyValidityMs,
    });
  },
  openStream: (ctx, credential) => openListenKeyStream({ ...ctx.stream, listenKey: credential }),
  replaceCredential: (stream, credential) => stream.replaceListenKey(credential),
  watch(ctx, stream, lease) {
    // Only venues that announce a key's expiry ahead (Toobit's listenKeyWillExpire) get a
    // listener: Binance's streams keep their events free of it.
    const renewOn = ctx.checked.venue.listenKey?.renewOn;
    if (!renewOn?.length) return;
    stream.on('event', (event) => {
      if (renewOn.includes(event.e)) lease.renewNow();
    });
  },
};

/** Opens a listenKey stream on the account's shared listenKey lease. */
export function openListenKeyUserDataStream(ctx: OpenContext): Promise<UserDataStreamHandle> {
  return openCredentialStream(ctx, listenKey);
}
