/**
 * WebSocket API venues (Binance spot): the stream signs its own subscription (`session.logon`
 * with an Ed25519 key, else `userDataStream.subscribe.signature`). Nothing is shared between
 * streams: the lease only watches the subscription and, when the venue refuses it, replaces the
 * whole stream.
 */
import { ErrorCode, type UserstreamError } from '@userstream/core';
import { createRestClient } from '@userstream/rest';
import { openWsApiStream, type WsApiAuth, type WsApiStream } from '@userstream/stream';
import { ManagedStream } from './managed-stream.js';
import { baseLeaseOptions, type OpenContext, type UserDataStreamHandle, viewOf } from './open-shared.js';
import { WsApiLease } from './ws-api-lease.js';

/** Opens a WebSocket API stream with its own lease. */
export async function openWsApiUserDataStream(ctx: OpenContext): Promise<UserDataStreamHandle> {
  const { checked } = ctx;
  const rest = createRestClient(ctx.rest);
  const auth: WsApiAuth = {
    type: checked.signer.keyType === 'ed25519' ? 'logon' : 'signature',
    apiKey: checked.apiKey,
    signer: checked.signer,
  };
  const openInner = () => openWsApiStream({ ...ctx.stream, auth });
  let handle: UserDataStreamHandle | undefined;
  const watch = (inner: WsApiStream) => {
    inner.on('open', () => lease.noteSubscribed());
    inner.on('reconnected', () => lease.noteSubscribed());
    inner.on('error', (error: UserstreamError) => {
      // Subscription and connection failures count against the lease; a bad frame does not.
      if (error.code !== ErrorCode.MalformedFrame && error.code !== ErrorCode.Protocol)
        lease.noteFailure(error);
    });
    inner.on('credentialExpired', (info) => lease.recreate(info.reason));
  };
  const lease: WsApiLease = new WsApiLease({
    ...baseLeaseOptions(ctx),
    rateLimit: () => rest.rateLimit,
    lifetimeMs: checked.venue.timing.connectionLifetimeMs,
    recreate: async () => {
      if (!handle || handle.closed) return;
      const next = openInner();
      watch(next);
      await handle.replaceInner(next);
    },
    dispose: () => rest.close(),
  });
  try {
    await lease.start();
  } catch (error) {
    await lease.close().catch(() => {});
    ctx.closeScheduler();
    throw error;
  }
  let inner: WsApiStream;
  try {
    inner = openInner();
  } catch (error) {
    await lease.close().catch(() => {});
    ctx.closeScheduler();
    throw error;
  }
  watch(inner);
  handle = new ManagedStream<typeof rest>({
    inner,
    lease: viewOf(lease),
    rest,
    replaceable: true,
    hooks: {
      clock: checked.clock,
      logger: checked.logger,
      release: async () => {
        await lease.close();
        ctx.closeScheduler();
      },
    },
  });
  return handle;
}
