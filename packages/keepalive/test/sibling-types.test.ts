/**
 * keepalive is typed against its siblings' own types, not copies of them (issue 14 item 1). These
 * assertions are checked by `pnpm typecheck` (tsc includes test/): a structural copy creeping
 * back (an `unknown`, an index signature) fails there.
 */
import type { RestClient, RestClientOptions } from '@userstream/rest';
import type {
  GapInfo,
  ListenKeyStreamOptions,
  ReconnectingInfo,
  StreamEvents,
  UserDataEventsByType as StreamEventsByType,
  StreamOptions,
  StreamState,
  StreamStats,
} from '@userstream/stream';
import { expectTypeOf, it } from 'vitest';
import type {
  ManagedStreamEvents,
  OpenUserDataStreamOptions,
  RestPassThroughOptions,
  StreamPassThroughOptions,
  UserDataEventsByType,
  UserDataStreamHandle,
} from '../src/index.js';
import { openUserDataStream } from '../src/index.js';

it("a handle's members and events are stream's and rest's own types", () => {
  expectTypeOf<UserDataStreamHandle['stats']>().toEqualTypeOf<Readonly<StreamStats>>();
  expectTypeOf<UserDataStreamHandle['state']>().toEqualTypeOf<StreamState>();
  expectTypeOf<UserDataStreamHandle['rest']>().toEqualTypeOf<RestClient>();
  expectTypeOf<ManagedStreamEvents>().toEqualTypeOf<StreamEvents>();
  expectTypeOf<ManagedStreamEvents['gap']>().toEqualTypeOf<[info: GapInfo]>();
  expectTypeOf<ManagedStreamEvents['reconnecting']>().toEqualTypeOf<[info: ReconnectingInfo]>();
  expectTypeOf<ManagedStreamEvents['open']>().toEqualTypeOf<StreamEvents['open']>();
  expectTypeOf<UserDataEventsByType>().toEqualTypeOf<StreamEventsByType>();
  expectTypeOf(openUserDataStream).returns.resolves.toEqualTypeOf<UserDataStreamHandle>();
});

it("openUserDataStream's pass-through options are the siblings' options less what it sets", () => {
  // Plus the listenKey streams' `events=` filter (USD-M), typed from stream's own option.
  expectTypeOf<StreamPassThroughOptions>().toEqualTypeOf<
    Omit<StreamOptions, 'venue' | 'clock' | 'logger'> & Pick<ListenKeyStreamOptions, 'events'>
  >();
  expectTypeOf<RestPassThroughOptions>().toEqualTypeOf<
    Partial<Omit<RestClientOptions, 'venue' | 'credentials' | 'clock' | 'logger'>>
  >();
  expectTypeOf<OpenUserDataStreamOptions['stream']>().toEqualTypeOf<StreamPassThroughOptions | undefined>();
});
