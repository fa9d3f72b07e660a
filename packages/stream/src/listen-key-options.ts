/** The options of the listenKey stream factories, and the one check of a listenKey value. */
import { validateListenKey } from '@userstream/core';
import type { Refuse, StreamOptions } from './options.js';

export interface ListenKeyStreamOptions extends StreamOptions {
  /** The listenKey (from `@userstream/rest`'s `createListenKey`, or anywhere). */
  listenKey: string;
  /**
   * Only these event types, filtered by the venue (USD-M's `/private/ws?listenKey=…&events=A/B`).
   * Names are checked against the profile's `listenKey.streamEvents`; `listenKeyExpired` is always
   * kept. Undefined: every event. @default undefined
   */
  events?: readonly string[];
}

export interface ListenKeyConnectionOptions extends StreamOptions {
  /** Only these event types, for every key on the connection (see {@link ListenKeyStreamOptions.events}). */
  events?: readonly string[];
}

/** A listenKey: refused as a factory option (`kit.invalid`) or a method's argument (`invalidInput`). */
export function checkKey(listenKey: unknown, refuse: Refuse): string {
  try {
    return validateListenKey(listenKey);
  } catch (error) {
    throw refuse((error as Error).message, 'listenKey');
  }
}
