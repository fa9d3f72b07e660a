/**
 * Issue #13 item 1: MEXC's documented pushes (test/fixtures/mexc, the "Sample data" of
 * https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams/spot-account-update,
 * …/spot-account-deals and …/spot-account-orders, checked 2026-12-03) encoded as MEXC sends them
 * (protobuf, with MEXC's .proto files) decode to exactly core's mexc fixtures, which core's
 * conformance test parses. A frame that is not a push is a malformed frame, never a crash.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mexcProtoDir } from '@userstream/core';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { mexcDecoder } from '../src/wire-mexc.js';

const root = new protobuf.Root();
root.resolvePath = (_o, t) => fileURLToPath(new URL(t.replace(/^.*[\\/]/, ''), mexcProtoDir()));
root.loadSync('PushDataV3ApiWrapper.proto');
const Wrapper = root.lookupType('PushDataV3ApiWrapper');

describe('MEXC protobuf pushes decode to the mexc dialect text', () => {
  it.each(['privateAccount', 'privateDeals', 'privateOrders'])('%s (documented sample)', (name) => {
    const documented = JSON.parse(
      readFileSync(new URL(`./fixtures/mexc/${name}.json`, import.meta.url), 'utf8'),
    );
    const frame = Buffer.from(Wrapper.encode(Wrapper.fromObject(documented)).finish());
    const expected = readFileSync(
      new URL(`../../core/test/fixtures/mexc/${name}.json`, import.meta.url),
      'utf8',
    );
    expect(JSON.parse(mexcDecoder()(frame))).toEqual(JSON.parse(expected));
  });

  it('bytes that are not a push decode to nothing (reported as a malformed frame)', () => {
    expect(mexcDecoder()(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))).toBe('');
    // A wrapper without a body (a public channel the client never asked for would have one).
    expect(mexcDecoder()(Buffer.from(Wrapper.encode(Wrapper.create({ channel: 'x' })).finish()))).toBe('');
  });
});
