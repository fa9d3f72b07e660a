import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_BUFFER",
        "DEFAULT_DEDUPE",
        "DEFAULT_HEARTBEAT",
        "DEFAULT_MAX_PAYLOAD",
        "DEFAULT_OPEN_TIMEOUT_MS",
        "DEFAULT_RECONNECT",
        "DEFAULT_REQUEST_TIMEOUT_MS",
        "DEFAULT_ROTATION",
        "DIAGNOSTICS_CHANNELS",
        "ListenKeyConnection",
        "ListenKeyStream",
        "ListenerError",
        "PayloadTooLargeError",
        "SlowConsumerError",
        "UserDataStream",
        "WsApiSession",
        "WsApiStream",
        "createListenKeyConnection",
        "createWsApiSession",
        "isLogger",
        "openListenKeyStream",
        "openWsApiStream",
        "silentLogger",
      ]
    `);
  });
});
