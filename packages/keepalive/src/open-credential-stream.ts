/**
 * The opening path of the protocols whose lease holds a credential (listenKey, listenToken): the
 * lease is shared through the scheduler's registry (one credential and one renewal loop per
 * account+market), each stream is one consumer of it, and the last close releases it.
 */
import { ClosedError } from '@userstream/core';
import { createRestClient, type RestClient } from '@userstream/rest';
import type { UserDataStream } from '@userstream/stream';
import type { BaseLease } from './lease.js';
import { leaseRegistryOf } from './lease-registry.js';
import type { CredentialConsumer } from './lease-types.js';
import { ManagedStream } from './managed-stream.js';
import { type OpenContext, type UserDataStreamHandle, viewOf } from './open-shared.js';

/** A lease holding a credential, renewed through a `@userstream/rest` client. */
export interface CredentialLease extends BaseLease {
  readonly client: RestClient;
  /** The current credential. A SECRET: never log it. */
  readonly credential: string | undefined;
  start(): Promise<void>;
  /** Replaces the credential now (the stream reported it expired or invalid). */
  recreate(reason: string): void;
}

/** What one credential protocol adds to the shared path. */
export interface CredentialProtocol<L extends CredentialLease, S extends UserDataStream> {
  /** A new lease renewing through `rest` (called only when no stream of the account holds one). */
  createLease(ctx: OpenContext, rest: RestClient): L;
  /** The stream reading with `credential`. */
  openStream(ctx: OpenContext, credential: string): S;
  /** Switches `stream` to a new credential (make-before-break). */
  replaceCredential(stream: S, credential: string): Promise<void>;
  /** Venue-specific reactions to the stream's events (a renewal on an expiry notice), if any. */
  watch?(ctx: OpenContext, stream: S, lease: L): void;
}

export async function openCredentialStream<L extends CredentialLease, S extends UserDataStream>(
  ctx: OpenContext,
  protocol: CredentialProtocol<L, S>,
): Promise<UserDataStreamHandle> {
  const { checked } = ctx;
  const registry = leaseRegistryOf(checked.scheduler);
  let lease: L;
  try {
    lease = await registry.acquire<L>(
      checked.key,
      () => protocol.createLease(ctx, createRestClient(ctx.rest)),
      (l) => l.start(),
    );
  } catch (error) {
    ctx.closeScheduler();
    throw error;
  }
  let inner: S;
  try {
    const credential = lease.credential;
    // A started lease holds a credential; none means it was lost (another owner) meanwhile.
    if (credential === undefined) {
      throw new ClosedError('@userstream/keepalive: the lease lost its credential before the stream opened');
    }
    inner = protocol.openStream(ctx, credential);
  } catch (error) {
    await registry.release(checked.key, lease);
    ctx.closeScheduler();
    throw error;
  }
  const consumer: CredentialConsumer = {
    replaceCredential: (credential) => protocol.replaceCredential(inner, credential),
  };
  lease.attach(consumer);
  inner.on('credentialExpired', (info) => lease.recreate(info.reason));
  protocol.watch?.(ctx, inner, lease);
  return new ManagedStream<RestClient>({
    inner,
    lease: viewOf(lease),
    rest: lease.client,
    replaceable: false,
    hooks: {
      clock: checked.clock,
      logger: checked.logger,
      release: async () => {
        lease.detach(consumer);
        await registry.release(checked.key, lease);
        ctx.closeScheduler();
      },
    },
  });
}
