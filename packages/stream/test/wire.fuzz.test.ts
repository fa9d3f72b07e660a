/**
 * Issue #13: the per-venue decoders take hostile bytes. Whatever a venue (or a man in the middle)
 * sends, a decoder returns text or '' (reported as a malformed frame), never throws, and never
 * inflates past maxPayload; heartbeat answers go out only for the venue's own control frames.
 */
import { gzipSync } from 'node:zlib';
import { type VenueProfile, venues } from '@userstream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type WireControl, wireFor } from '../src/wire.js';

function control() {
  const sent: string[] = [];
  let answered = 0;
  const c: WireControl = {
    send: (t) => {
      sent.push(t);
      return true;
    },
    heartbeatAnswered: () => {
      answered++;
    },
  };
  return { c, sent, answered: () => answered };
}

const MAX = 64 * 1024;
const wire = (
  encoding: 'gzip-json' | 'protobuf-mexc' | 'json',
  heartbeat: 'text-ping' | 'method-ping' | 'json-ping',
) => wireFor({ ...venues.bhex, frames: { encoding, heartbeat } } as VenueProfile, MAX)!;

describe('decoders never throw on hostile bytes', () => {
  it.each([
    ['gzip-json', 'text-ping'],
    ['protobuf-mexc', 'method-ping'],
    ['json', 'json-ping'],
  ] as const)('%s / %s: random bytes, binary or text', (encoding, heartbeat) => {
    const w = wire(encoding, heartbeat);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, isBinary) => {
        const k = control();
        const out = w.decode(Buffer.from(bytes), isBinary, k.c);
        expect(out === undefined || typeof out === 'string').toBe(true);
        // Only a heartbeat answer is ever sent, and only in the venue's form.
        for (const s of k.sent)
          expect(s === 'Pong' || /^\{"pong":-?\d+(\.\d+)?(e[+-]?\d+)?\}$/.test(s)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gzip-json: any JSON survives the round trip; a bomb past maxPayload is malformed', () => {
    const w = wire('gzip-json', 'text-ping');
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), (text) => {
        expect(w.decode(gzipSync(text), true, control().c)).toBe(text);
      }),
      { numRuns: 200 },
    );
    expect(w.decode(gzipSync(Buffer.alloc(MAX + 1, 0x20)), true, control().c)).toBe('');
  });
});
