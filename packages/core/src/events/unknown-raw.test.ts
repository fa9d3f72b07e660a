import { describe, expect, it } from 'vitest';
import { venues } from '../venues.js';
import { parseFrame } from './parse.js';

// Issue #13 (per-venue expiry notices): a venue whose dialect does not know `listenKeyExpired`
// (Coins, BHEX, Aster spot, MEXC…) passed Binance's notice through as an `unknown` event with the
// listenKey in `raw`: a secret handed to every listener and logger. The canary must never appear
// in the raw object of any event, over every built-in profile.
const CANARY = 'CanaryListenKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL';

const FRAMES = [
  // Binance's documented notice (spot: `listenKey`; USD-M adds it too).
  { e: 'listenKeyExpired', E: 1_700_000_000_000, listenKey: CANARY },
  // A type no dialect knows, with the key nested and beside a listenToken.
  { e: 'somethingNew', E: 1, data: { listenKey: CANARY, list: [{ listenToken: CANARY }] } },
];

describe('unknown events never carry a listenKey in raw', () => {
  for (const venue of Object.values(venues)) {
    it(`${venue.id} (${venue.dialect})`, () => {
      for (const frame of FRAMES) {
        const parsed = parseFrame(JSON.stringify(frame), venue.dialect);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) continue;
        for (const event of parsed.events) {
          if (event.e !== 'unknown') continue;
          expect(event.type).toBe(frame.e);
          expect(event.E).toBe(frame.E);
          expect(JSON.stringify(event.raw)).not.toContain(CANARY);
          // What is not secret is still there to read.
          expect(event.raw.e).toBe(frame.e);
        }
      }
    });
  }

  it(`no typed event carries the key either: listenKeyExpired arrives without it on every venue`, () => {
    // Binance spot and USD-M (and Aster) document the key in the notice; the stream knows which
    // key expired, so the event never needs it, and listeners log and store events.
    for (const venue of Object.values(venues)) {
      const parsed = parseFrame(JSON.stringify(FRAMES[0]), venue.dialect);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      for (const event of parsed.events) expect(JSON.stringify(event), venue.id).not.toContain(CANARY);
    }
  });

  it('leaves an unknown event without secrets untouched (the same object)', () => {
    const text = JSON.stringify({ e: 'brandNew', E: 5, a: { b: ['c'] } });
    const parsed = parseFrame(text, 'spot');
    expect(parsed.ok && parsed.events[0]).toMatchObject({ e: 'unknown', raw: JSON.parse(text) });
  });
});
