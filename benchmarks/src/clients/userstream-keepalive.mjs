// userstream through @userstream/keepalive's openUserDataStream: the listenKey (or WebSocket API
// subscription) is created, kept alive and replaced for the user; events from the managed stream.
import * as keepalive from '@userstream/keepalive';

export const name = 'userstream (keepalive openUserDataStream)';
export const paths = ['spot-listenkey', 'spot-wsapi', 'usdm-listenkey'];
export const faultPath = 'usdm-listenkey';

export async function open({ venue, account, onEvent, onSignal, options }) {
  const stream = await keepalive.openUserDataStream({
    venue,
    credentials: { apiKey: account.apiKey, secret: account.secret },
    ...(options.stream ? { stream: options.stream } : {}),
  });
  stream.on('event', (event) => onEvent(event.E));
  stream.on('gap', () => onSignal('gaps'));
  stream.on('reconnected', () => onSignal('reconnects'));
  stream.on('error', () => onSignal('errors'));
  return {
    async close() {
      await stream.close();
    },
  };
}
