import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFrame } from './events/index.js';
import { getVenue } from './venues.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/tokocrypto/', import.meta.url));

/**
 * Issue #13 item 7. The facts of Tokocrypto's "User Data Streams" section (checked 2026-12-03):
 * https://www.tokocrypto.com/apidocs/ (the search store serves that page's change log only; the
 * section was read from a copy of its markdown, as venues-tokocrypto.ts says).
 */
describe('tokocrypto profile', () => {
  const v = getVenue('tokocrypto');

  it('creates a signed listenToken and subscribes on the WebSocket API', () => {
    expect(v.protocol).toBe('listenToken');
    expect(v.restBaseUrl).toBe('https://www.tokocrypto.com');
    expect(v.wsApiUrl).toBe('wss://ws-api.tokocrypto.site:443/ws-api/v3');
    expect(v.apiKeyHeader).toBe('X-MBX-APIKEY');
    const create = v.listenToken!.create;
    expect(`${create.method} ${create.path} ${create.weight} ${create.signed}`).toBe(
      'POST /open/v1/user-listen-token 1 true',
    );
    // Not margin: the token covers the whole spot account and takes no symbol.
    expect(v.listenToken!.isolated).toBe(false);
    expect(v.listenToken!.maxValidityMs).toBe(24 * 3_600_000);
    // Renewed before the token ends (it never renews itself).
    expect(v.timing.renewIntervalMs).toBeLessThan(v.timing.keyValidityMs);
  });

  it('reads REST bodies in the /open/v1 envelope', () => {
    expect(v.restFormat).toBe('open-v1');
    expect(v.endpoints.account.path).toBe('/open/v1/account/spot');
    expect(v.endpoints.openOrders.path).toBe('/open/v1/orders');
  });

  it.each(['outboundAccountPosition', 'executionReport', 'eventStreamTerminated'])(
    'types the documented %s in the tokocrypto dialect',
    (name) => {
      const parsed = parseFrame(readFileSync(`${FIXTURES}${name}.json`, 'utf8'), v.dialect);
      if (!parsed.ok) throw parsed.error;
      expect(parsed.events[0]?.e).toBe(name);
    },
  );
});
