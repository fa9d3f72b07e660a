import { createSigner, ErrorCode, venues, withBaseUrls } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import {
  createListenKeyConnection,
  createWsApiSession,
  openListenKeyStream,
  openWsApiStream,
} from '../src/index.js';

// Nothing listens on port 9: the streams are made and closed, never connected.
const usdm = withBaseUrls(venues['binance-usdm'], { stream: 'ws://127.0.0.1:9/private' });
const spot = withBaseUrls(venues['binance-spot'], { wsApi: 'ws://127.0.0.1:9/ws-api/v3' });

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

describe('issue 14: bad factory options are INVALID_CONFIG, bad method arguments INVALID_INPUT', () => {
  it('a listenKey or auth passed to a factory is configuration', () => {
    expect(codeOf(() => openListenKeyStream({ venue: usdm, listenKey: 'short' }))).toBe(
      ErrorCode.InvalidConfig,
    );
    expect(codeOf(() => openWsApiStream({ venue: spot, auth: { type: 'listenToken', token: 'x' } }))).toBe(
      ErrorCode.InvalidConfig,
    );
    expect(codeOf(() => openListenKeyStream({ venue: 'binance-spot', listenKey: 'a'.repeat(60) }))).toBe(
      ErrorCode.InvalidConfig,
    );
  });

  it('the same values passed to a method are input', async () => {
    const connection = createListenKeyConnection({ venue: usdm });
    expect(codeOf(() => connection.open({ listenKey: 'short' }))).toBe(ErrorCode.InvalidInput);
    const stream = connection.open({ listenKey: 'a'.repeat(60) });
    await expect(stream.replaceListenKey('short')).rejects.toMatchObject({ code: ErrorCode.InvalidInput });
    await connection.close();

    const session = createWsApiSession({ venue: spot });
    expect(codeOf(() => session.subscribe({ auth: { type: 'listenToken', token: 'x' } }))).toBe(
      ErrorCode.InvalidInput,
    );
    const signer = createSigner({ secret: 's'.repeat(64) });
    expect(
      codeOf(() =>
        session.subscribe({ auth: { type: 'signature', apiKey: 'k'.repeat(64), signer: 1 as never } }),
      ),
    ).toBe(ErrorCode.InvalidInput);
    const ws = session.subscribe({ auth: { type: 'signature', apiKey: 'k'.repeat(64), signer } });
    await expect(ws.replaceListenToken('x')).rejects.toMatchObject({ code: ErrorCode.InvalidInput });
    await session.close();
  });
});
