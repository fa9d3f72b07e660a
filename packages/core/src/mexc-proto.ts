/**
 * The folder holding MEXC's published protobuf definitions for its spot WebSocket pushes
 * (`PushDataV3ApiWrapper.proto` and the files it imports), kept unchanged with their Apache-2.0
 * LICENSE and a SOURCE.md naming where and when they were taken. They ship with core, once, so
 * the stream's decoder and the simulator's encoder read the same definitions; core itself does
 * not parse them (it has no protobuf dependency).
 *
 * @returns A `file:` URL ending in `/`; resolve a file name against it.
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { mexcProtoDir } from '@userstream/core';
 * const wrapper = fileURLToPath(new URL('PushDataV3ApiWrapper.proto', mexcProtoDir()));
 * ```
 */
export function mexcProtoDir(): URL {
  // One level above src/ and dist/ alike (the CJS build shims import.meta.url).
  return new URL('../proto/mexc/', import.meta.url);
}
