import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import type { Dialect } from './common.js';
import { dialectSchemas } from './dialects.js';
import { compileFastCheck } from './fast.js';
import { parseEvent } from './parse.js';
import { zodPath } from './zod-path.js';

// The two behaviours core's README ("Events: known types, unknown types, one shape") settles.
// Payloads are the venues' documented examples in test/fixtures (each fixture names its page):
// e.g. https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Order-Update
// and https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-User-Data-Stream-Expired
// (USD-M's listenKeyExpired, whose `E` is a digit string: a transform, so zod's path).

const DIRS: Readonly<Record<string, Dialect>> = {
  'binance-spot': 'spot',
  futures: 'futures',
  'portfolio-margin': 'portfolioMargin',
  options: 'options',
  'margin-risk': 'marginRisk',
  bhex: 'bhex',
  coins: 'coins',
  aster: 'aster',
};

function fixtures(): { name: string; dialect: Dialect; event: Record<string, unknown> }[] {
  const out: { name: string; dialect: Dialect; event: Record<string, unknown> }[] = [];
  for (const [dir, dialect] of Object.entries(DIRS)) {
    const url = new URL(`../../test/fixtures/${dir}/`, import.meta.url);
    for (const file of readdirSync(url).filter((f) => f.endsWith('.json'))) {
      const json = JSON.parse(readFileSync(new URL(file, url), 'utf8')) as Record<string, unknown>;
      const event = (json.event as Record<string, unknown> | undefined) ?? json;
      // liabilityChange's T needs the frame text (exact-id.ts); its own tests cover it.
      if (event.e === 'liabilityChange') continue;
      out.push({ name: `${dir}/${file}`, dialect, event });
    }
  }
  return out;
}

/** The payload with a field no schema names, at the top and inside each nested object. */
function withNewFields(event: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...event, zNew: 'kept' };
  for (const [k, v] of Object.entries(event)) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) out[k] = { ...v, zNested: 1 };
  }
  return out;
}

describe('the fast path and the zod path deliver one shape', () => {
  it('every documented payload, with fields no schema names, comes out of both paths the same', () => {
    let compared = 0;
    for (const { name, dialect, event } of fixtures()) {
      const schema = dialectSchemas[dialect][event.e as string];
      if (!schema) continue;
      const payload = withNewFields(event);
      const viaParse = parseEvent(structuredClone(payload), dialect);
      const viaZod = zodPath(structuredClone(payload), schema);
      expect(viaParse.ok, name).toBe(true);
      expect(viaZod.ok, name).toBe(true);
      if (!viaParse.ok || !viaZod.ok) continue;
      // The parser also takes the key out of listenKeyExpired (parse.ts withoutKey), on both paths.
      if (event.e === 'listenKeyExpired') delete (viaZod.event as Record<string, unknown>).listenKey;
      expect(viaZod.event, name).toEqual(viaParse.event);
      // Unknown fields are kept (as the fast path always did), at the top and nested.
      expect((viaParse.event as Record<string, unknown>).zNew, name).toBe('kept');
      if (compileFastCheck(schema)) compared++;
    }
    // Most schemas have a fast check: the comparison above really ran both paths for them.
    expect(compared).toBeGreaterThan(30);
  });

  it("a schema with a transform (USD-M listenKeyExpired's digit-string E) keeps the fields zod does not name", () => {
    const parsed = parseEvent(
      { e: 'listenKeyExpired', E: '1736996475556', listenKey: 'k', zNew: 'kept' },
      'futures',
    );
    expect(parsed).toEqual({
      ok: true,
      // …and takes the expired key out (the stream knows which key it was).
      event: { e: 'listenKeyExpired', E: 1736996475556, zNew: 'kept' },
    });
  });
});

describe('a known event type in an undocumented shape', () => {
  it('is a malformed-frame error naming the type and the field; an unknown type passes as unknown', () => {
    const bad = parseEvent({ e: 'ORDER_TRADE_UPDATE', E: 1, T: 1, o: { s: 'BTCUSDT' } }, 'futures');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe(ErrorCode.MalformedFrame);
    expect(bad.error.message).toMatch(/^Malformed futures "ORDER_TRADE_UPDATE" event: field o\.\w+/);
    const unknown = parseEvent({ e: 'SOMETHING_NEW', E: 2, x: 1 }, 'futures');
    expect(unknown).toMatchObject({ ok: true, event: { e: 'unknown', type: 'SOMETHING_NEW', E: 2 } });
  });
});
