/**
 * A request that gets no answer says why in its message (issue #19: "… failed: getaddrinfo
 * ENOTFOUND fapi.binance.com", not only in `cause`), built from the error's structured fields so
 * nothing but the syscall, the code and the host or address can reach the message.
 */
import { createServer } from 'node:net';
import { ErrorCode, TransportError } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { createRestClient } from '../src/index.js';
import { useSimulator, watch } from './helpers.js';

const ctx = useSimulator();

/** A loopback port nothing listens on: bound, read, and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('network errors name their cause in the message', () => {
  it('connection refused: "failed: connect ECONNREFUSED 127.0.0.1:<port>"', async () => {
    const port = await closedPort();
    const venue = { ...ctx.sim.venue('binance-usdm'), restBaseUrl: `http://127.0.0.1:${port}` };
    const rest = watch(createRestClient({ venue, credentials: ctx.hmac(), retry: false }));
    const error = await rest.createListenKey().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: ErrorCode.Transport });
    expect((error as Error).message).toMatch(
      new RegExp(`failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`),
    );
    await rest.close();
  });

  it('a host that does not resolve: "failed: getaddrinfo ENOTFOUND <host>"', async () => {
    // .invalid never resolves (RFC 6761); https because only loopback may be plain http.
    const venue = { ...ctx.sim.venue('binance-usdm'), restBaseUrl: 'https://fapi.userstream.invalid' };
    const rest = watch(createRestClient({ venue, credentials: ctx.hmac(), retry: false }));
    const error = await rest.createListenKey().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(
      /failed: getaddrinfo (ENOTFOUND|EAI_AGAIN) fapi\.userstream\.invalid$/,
    );
    await rest.close();
  });
});
