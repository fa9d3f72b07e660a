/**
 * MEXC spot's private push frames: protobuf `PushDataV3ApiWrapper` messages (MEXC's published
 * definitions, Apache-2.0, shipped by core: `mexcProtoDir()`; decoded with protobufjs) turned into the JSON text
 * core's `mexc` dialect reads:
 *   {"e":"<oneof body name>","E":<sendTime>,"c":"<channel>","s":"<symbol>","d":{…body…}}
 * `e` is the wrapper's body name (privateAccount, privateDeals, privateOrders), `d` the body as
 * MEXC's own JSON push had it. int64 times become numbers (millisecond clocks fit in 2^53);
 * amounts are strings in the .proto and stay strings.
 */
import { fileURLToPath } from 'node:url';
import { mexcProtoDir } from '@userstream/core';
import protobuf from 'protobufjs';

let cached: ((data: Buffer) => string) | undefined;

/** Loads the definitions once (on the first MEXC transport) and returns the frame decoder. */
export function mexcDecoder(): (data: Buffer) => string {
  if (cached) return cached;
  const PROTO_DIR = mexcProtoDir();
  const root = new protobuf.Root();
  // Every import names a file beside the wrapper: resolve it there, never elsewhere.
  root.resolvePath = (_origin, target) => fileURLToPath(new URL(target.replace(/^.*[\\/]/, ''), PROTO_DIR));
  root.loadSync('PushDataV3ApiWrapper.proto');
  const wrapper = root.lookupType('PushDataV3ApiWrapper');
  const options = { longs: Number, defaults: true, oneofs: true } as const;
  cached = (data) => {
    try {
      const object = wrapper.toObject(wrapper.decode(data), options) as Record<string, unknown>;
      const body = object.body;
      if (typeof body !== 'string') return '';
      return JSON.stringify({
        e: body,
        E: object.sendTime ?? object.createTime,
        c: object.channel,
        s: object.symbol,
        d: object[body],
      });
    } catch {
      return '';
    }
  };
  return cached;
}
