// The ceiling: a bare `ws` client that only JSON.parses each frame. It creates its listenKey or
// signs its WebSocket API subscription itself, and has no reconnect, keepalive or validation.
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';

export const name = 'bare ws + JSON.parse';
export const paths = ['spot-listenkey', 'spot-wsapi', 'usdm-listenkey'];
export const faultPath = 'usdm-listenkey';
/** No reconnect logic at all: one drop shows what that costs; a stall or expiry would only repeat it. */
export const faults = ['drop'];

export async function open({ protocol, venue, account, onEvent }) {
  let ws;
  if (protocol === 'listenKey') {
    const res = await fetch(`${venue.restBaseUrl}${venue.listenKey.create.path}`, {
      method: 'POST',
      headers: { [venue.apiKeyHeader]: account.apiKey },
    });
    const { listenKey } = await res.json();
    ws = new WebSocket(`${venue.streamBaseUrl}/ws/${listenKey}`);
    ws.on('message', (data) => {
      const event = JSON.parse(data);
      onEvent(event.E);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
  } else {
    ws = new WebSocket(venue.wsApiUrl);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const timestamp = Date.now();
    const signature = createHmac('sha256', account.secret)
      .update(`apiKey=${account.apiKey}&timestamp=${timestamp}`)
      .digest('hex');
    const subscribed = new Promise((resolve, reject) => {
      ws.once('message', (data) => {
        const reply = JSON.parse(data);
        if (reply.status === 200) resolve();
        else reject(new Error(`subscribe failed: ${String(data)}`));
      });
    });
    ws.send(
      JSON.stringify({
        id: 1,
        method: 'userDataStream.subscribe.signature',
        params: { apiKey: account.apiKey, timestamp, signature },
      }),
    );
    await subscribed;
    ws.on('message', (data) => {
      const frame = JSON.parse(data);
      if (frame.event !== undefined) onEvent(frame.event.E);
    });
  }
  return {
    close() {
      ws.terminate();
    },
  };
}
