import { ClosedError } from '@userstream/core';
import { openListenKeyUserDataStream } from './open-listen-key.js';
import { openListenTokenUserDataStream } from './open-listen-token.js';
import { checkOpenOptions, type OpenUserDataStreamOptions } from './open-options.js';
import {
  holdingProcess,
  openContext,
  openTimeoutOf,
  type UserDataStreamHandle,
  waitOpen,
} from './open-shared.js';
import { openWsApiUserDataStream } from './open-ws-api.js';

/** Each protocol's opener (one module each). */
const OPENERS = {
  listenKey: openListenKeyUserDataStream,
  listenToken: openListenTokenUserDataStream,
  wsApi: openWsApiUserDataStream,
} as const;

/**
 * Opens one account's user data stream on any supported venue and keeps it alive until you
 * close it: spot over the WebSocket API (`session.logon` with an Ed25519 key, else
 * `userDataStream.subscribe.signature`), cross and isolated margin over listenTokens, futures,
 * portfolio margin, BHEX, Coins.ph and legacy venues over listenKeys — each with the right lease
 * on the scheduler. `close()` releases everything (the last stream of a listenKey deletes it).
 */
export async function openUserDataStream(options: OpenUserDataStreamOptions): Promise<UserDataStreamHandle> {
  const checked = checkOpenOptions(options);
  return holdingProcess(async () => {
    if (options.signal?.aborted)
      throw new ClosedError('@userstream/keepalive: opening was aborted', { aborted: true });
    const handle = await OPENERS[checked.venue.protocol](openContext(checked, options));
    if (options.waitForOpen !== false) await waitOpen(handle, options.signal, openTimeoutOf(options));
    return handle;
  });
}
