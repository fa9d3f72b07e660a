/** The REST and stream factories the end-to-end tests open streams with: the real sibling packages. */
import { createRestClient } from '@userstream/rest';
import { openListenKeyStream, openWsApiStream } from '@userstream/stream';
import type { Factories } from '../src/open-user-data-stream.js';

export const factories = {
  createRestClient,
  openListenKeyStream,
  openWsApiStream,
} as unknown as Factories;
