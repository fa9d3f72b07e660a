// userstream through @userstream/stream, consumed with `for await` (the async iterator): the same
// pipeline as `userstream.mjs`, plus the iterator's bounded buffer and one promise per `next()`.
import { createSigner } from '@userstream/core';
import { createRestClient } from '@userstream/rest';
import { openListenKeyStream, openWsApiStream } from '@userstream/stream';

export const name = 'userstream (@userstream/stream, for await)';
export const paths = ['spot-listenkey', 'spot-wsapi', 'usdm-listenkey'];
export const faultPath = 'usdm-listenkey';
export const faults = ['drop'];

export async function open({ protocol, venue, account, onEvent, onSignal, options }) {
  // Default buffer: a consumer that keeps up holds about one socket read of events.
  const common = { venue, ...(options.stream ?? {}) };
  let stream;
  let rest;
  if (protocol === 'listenKey') {
    rest = createRestClient({ venue, credentials: { apiKey: account.apiKey, secret: account.secret } });
    stream = openListenKeyStream({ ...common, listenKey: await rest.createListenKey() });
  } else {
    stream = openWsApiStream({
      ...common,
      auth: { type: 'signature', apiKey: account.apiKey, signer: createSigner({ secret: account.secret }) },
    });
  }
  stream.on('gap', () => onSignal('gaps'));
  stream.on('reconnected', () => onSignal('reconnects'));
  stream.on('error', () => onSignal('errors'));
  const consumed = (async () => {
    for await (const event of stream) onEvent(event.E);
  })();
  await new Promise((resolve, reject) => {
    stream.once('open', resolve);
    stream.once('closed', (info) => reject(new Error(`closed before open: ${info?.reason}`)));
  });
  return {
    async close() {
      await stream.close();
      await consumed.catch(() => {});
      await rest?.close?.();
    },
  };
}
