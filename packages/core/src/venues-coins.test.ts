import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEvent } from './events/parse.js';
import { streamUrl } from './venue-url.js';
import { getVenue } from './venues.js';

const K = 'k'.repeat(64);
const COINS_FIXTURES = fileURLToPath(new URL('../test/fixtures/coins/', import.meta.url));

/**
 * Issue #13 item 6. The facts each page states (checked 2026-12-03):
 * https://coins-docs.github.io/xyz/user-data-stream ; https://docs.coins.co.th/user-data-stream
 */
describe.each([
  ['coins-xyz', 'https://api.coins.xyz', 'wss://wsapi.coins.xyz'],
  ['coins-th', 'https://api.coins.co.th', 'wss://wsapi.coins.co.th'],
] as const)('%s profile', (id, rest, ws) => {
  it("speaks Coins.ph's listenKey protocol on its own hosts", () => {
    const v = getVenue(id);
    expect(v.restBaseUrl).toBe(rest);
    expect(streamUrl(v, K)).toBe(`${ws}/openapi/ws/${K}`);
    expect(
      [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
        (e) => `${e.method} ${e.path} ${e.weight} ${e.signed}`,
      ),
    ).toEqual([
      'POST /openapi/v1/userDataStream 1 true',
      'PUT /openapi/v1/userDataStream 1 true',
      'DELETE /openapi/v1/userDataStream 1 true',
    ]);
    expect(v.timing).toEqual({
      keyValidityMs: 3_600_000,
      renewIntervalMs: 1_800_000,
      connectionLifetimeMs: 86_400_000,
    });
    expect(v.apiKeyHeader).toBe('X-COINS-APIKEY');
    expect(v.dialect).toBe('coins');
  });

  it("types the documented payloads (the pages show Coins.ph's: test/fixtures/coins)", () => {
    const v = getVenue(id);
    const names = readdirSync(COINS_FIXTURES).filter((n) => n.endsWith('.json'));
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) {
      const raw = JSON.parse(readFileSync(COINS_FIXTURES + name, 'utf8')) as { e: string };
      const parsed = parseEvent(raw, v.dialect);
      expect(parsed.ok && parsed.event.e, name).toBe(raw.e);
    }
  });
});
