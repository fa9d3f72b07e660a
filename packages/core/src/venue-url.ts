import { ErrorCode, InvalidInputError } from './errors.js';
import { assertSecureUrl, validateListenKey } from './validate.js';
import type { VenueProfile } from './venues.js';

/**
 * What a path appended to a base URL may contain: one leading `/`, then path and query
 * characters. No `@` (userinfo: `ws://127.0.0.1:80@evil/…` dials evil), no `//` (an authority),
 * no `:` (a port or scheme), no `\` (read as `/` by WHATWG URLs), no `#`, no `..` and no
 * characters that only make sense in a host: a profile path can never move the request to
 * another host.
 */
const SAFE_PATH = /^\/[A-Za-z0-9/_.~=&?,{}-]*$/;

/** Why `path` is not a plain path (undefined when it is one). */
export function pathProblem(path: string): string | undefined {
  if (!SAFE_PATH.test(path)) {
    return 'must start with / and hold only letters, digits and / _ . ~ = & ? , - and {placeholders} (no @, :, \\, # or host)';
  }
  if (path.includes('//')) return 'must not contain // (that would name another host)';
  if (/(^|\/)\.\.?(\/|$|\?)/.test(path)) return 'must not contain . or .. segments';
  return undefined;
}

function config(message: string, field: string): InvalidInputError {
  return new InvalidInputError(`@userstream/core: ${message}`, { code: ErrorCode.InvalidConfig, field });
}

/**
 * Checks that `url` (a base URL with a profile path appended) stays on the origin of `base`,
 * carries no userinfo the base did not have, and obeys the plaintext rule (only loopback may be
 * `ws:`/`http:` unless `allowInsecure`). Throws `USERSTREAM_INVALID_CONFIG`; the message never
 * quotes the URL (it may hold a listenKey).
 */
export function assertSameOrigin(url: string, base: string, field: string, allowInsecure = false): URL {
  let b: URL;
  let u: URL;
  try {
    b = new URL(base);
    u = new URL(url);
  } catch {
    throw config(`${field} does not make a valid URL`, field);
  }
  if (u.origin !== b.origin || u.username !== b.username || u.password !== b.password) {
    throw config(
      `${field} would send the request to ${u.protocol}//${u.host} instead of the profile's ${b.protocol}//${b.host}; paths must be plain paths`,
      field,
    );
  }
  try {
    assertSecureUrl(u.href, field, allowInsecure);
  } catch (error) {
    throw config((error as Error).message, field);
  }
  return u;
}

/** Options of {@link streamUrl}. */
export interface StreamUrlOptions {
  /** Use the venue's combined stream path (several keys joined by `/`). @default false */
  combined?: boolean;
  /** Accept plain `ws:` off loopback. @default false */
  allowInsecure?: boolean;
  /**
   * Only these event types (`events=A/B`, USD-M's `/private` route). Each must be one of the
   * profile's `listenKey.streamEvents`; `listenKeyExpired` is always added, so a filter can
   * never hide the end of a key. Undefined: every event.
   */
  events?: readonly string[];
}

/**
 * The `events=` value for a filter: known names only (the profile lists them), in the caller's
 * order, `listenKeyExpired` first when the caller left it out. Throws `USERSTREAM_INVALID_CONFIG`.
 */
export function streamEventsFilter(venue: VenueProfile, events: readonly string[]): string {
  const known = venue.listenKey?.streamEvents;
  if (!known || !venue.listenKey?.filteredStreamPath) {
    throw config(`venue '${venue.id}' has no events= filter; leave \`events\` out`, 'events');
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw config('events must be a non-empty array of event types (or left out for all)', 'events');
  }
  const out: string[] = [];
  for (const e of events) {
    if (typeof e !== 'string' || !known.includes(e)) {
      const shown = typeof e === 'string' ? `'${e.slice(0, 64)}'` : `of type ${typeof e}`;
      throw config(
        `events: ${shown} is not a ${venue.id} event type; use one of ${known.join(', ')}`,
        'events',
      );
    }
    if (!out.includes(e)) out.push(e);
  }
  if (!out.includes('listenKeyExpired')) out.unshift('listenKeyExpired');
  return out.join('/');
}

/**
 * The URL of a listenKey stream: the profile's stream base and path with the key(s) in place,
 * re-checked as a whole (origin equals the base's, plaintext only on loopback), so neither a
 * hand-made profile nor a key can send the listenKey to another host.
 */
export function streamUrl(
  venue: VenueProfile,
  listenKeys: string | readonly string[],
  options: StreamUrlOptions = {},
): string {
  const keys = typeof listenKeys === 'string' ? [listenKeys] : listenKeys;
  for (const key of keys) validateListenKey(key);
  const lk = venue.listenKey;
  const base = venue.streamBaseUrl;
  const filter = options.events === undefined ? undefined : streamEventsFilter(venue, options.events);
  const which = options.combined ? 'combinedStreamPath' : filter ? 'filteredStreamPath' : 'streamPath';
  const field = `venue.listenKey.${which}`;
  const path = lk?.[which];
  if (typeof base !== 'string' || typeof path !== 'string') {
    throw config(`venue '${venue.id}' has no ${field} or streamBaseUrl`, field);
  }
  const problem = pathProblem(path);
  if (problem) throw config(`${field} ${problem}`, field);
  // The query form (`?listenKey={listenKey}`) names each key in its own `listenKey=` pair, each
  // followed by its `events=` (the several-keys form); the path form joins keys with `/`.
  const query = path.includes('listenKey={listenKey}');
  if (filter && !query) throw config(`${field} takes no events= filter`, 'events');
  const joined = query
    ? keys.map((k) => (filter ? `${k}&events=${filter}` : k)).join('&listenKey=')
    : keys.join('/');
  const url = `${base}${path.replace('{listenKey}', joined)}`;
  assertSameOrigin(url, base, field, options.allowInsecure);
  return url;
}
