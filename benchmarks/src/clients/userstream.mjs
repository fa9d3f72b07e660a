// userstream through @userstream/stream: the full pipeline (frame validation with core's schemas,
// E order, dedupe, heartbeat, reconnects). A listenKey comes from @userstream/rest; when the
// stream says the key expired, a new one is created and handed to the stream, as its README shows.
import { createSigner } from '@userstream/core';
import { createRestClient } from '@userstream/rest';
import { openListenKeyStream, openWsApiStream } from '@userstream/stream';

export const name = 'userstream (@userstream/stream)';
export const paths = ['spot-listenkey', 'spot-wsapi', 'usdm-listenkey'];
export const faultPath = 'usdm-listenkey';

export async function open({ protocol, venue, account, onEvent, onSignal, options }) {
  const common = { venue, ...(options.stream ?? {}) };
  let stream;
  let rest;
  if (protocol === 'listenKey') {
    rest = createRestClient({
      venue,
      credentials: { apiKey: account.apiKey, secret: account.secret },
    });
    const listenKey = await rest.createListenKey();
    stream = openListenKeyStream({ ...common, listenKey });
    stream.on('credentialExpired', () => {
      rest.createListenKey().then(
        (key) => stream.replaceListenKey(key),
        () => onSignal('errors'),
      );
    });
  } else {
    stream = openWsApiStream({
      ...common,
      auth: { type: 'signature', apiKey: account.apiKey, signer: createSigner({ secret: account.secret }) },
    });
  }
  stream.on('event', (event) => onEvent(event.E));
  stream.on('gap', () => onSignal('gaps'));
  stream.on('reconnected', () => onSignal('reconnects'));
  stream.on('error', () => onSignal('errors'));
  await new Promise((resolve, reject) => {
    stream.once('open', resolve);
    stream.once('closed', (info) => reject(new Error(`closed before open: ${info?.reason}`)));
  });
  return {
    async close() {
      await stream.close();
      await rest?.close?.();
    },
  };
}
