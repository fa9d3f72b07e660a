/**
 * The REST and stream factories the end-to-end tests use: the real `@userstream/rest` and
 * `@userstream/stream` when they provide them, else the minimal stand-ins in plain-factories.ts.
 */
import * as restPackage from '@userstream/rest';
import * as streamPackage from '@userstream/stream';
import type { Factories } from '../src/open-user-data-stream.js';
import { plainFactories } from './plain-factories.js';

const rest = restPackage as unknown as Partial<Factories>;
const stream = streamPackage as unknown as Partial<Factories>;

export const usingReal = {
  rest: typeof rest.createRestClient === 'function',
  stream: typeof stream.openListenKeyStream === 'function' && typeof stream.openWsApiStream === 'function',
};

export const factories: Factories = {
  createRestClient: usingReal.rest
    ? (rest.createRestClient as Factories['createRestClient'])
    : plainFactories.createRestClient,
  openListenKeyStream: usingReal.stream
    ? (stream.openListenKeyStream as Factories['openListenKeyStream'])
    : plainFactories.openListenKeyStream,
  openWsApiStream: usingReal.stream
    ? (stream.openWsApiStream as Factories['openWsApiStream'])
    : plainFactories.openWsApiStream,
};
