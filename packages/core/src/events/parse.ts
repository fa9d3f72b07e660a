/**
 * Frame and event parsing: the hot path. One `JSON.parse`, a few type checks, one schema lookup
 * by `e` in a prebuilt Map and one `safeParse`. No closures, copies or try/catch around zod; the
 * only try/catch guards `JSON.parse`. Never throws: every failure is a `ProtocolError` whose
 * message names the dialect, the event type and the first failing field, and never carries
 * values from the frame (frames can carry listenKeys).
 */
import type { ZodError, ZodType } from 'zod';
import { ErrorCode, ProtocolError } from '../errors.js';
import { DIALECTS, type Dialect } from './common.js';
import { type DialectEvent, dialectSchemas, EXACT_T_EVENTS, type KnownEvent } from './dialects.js';
import { withExactT } from './exact-id.js';
import { compileFastCheck, type FastCheck } from './fast.js';
import { unknownRaw } from './unknown-raw.js';
import { zodPath } from './zod-path.js';

/**
 * An event whose `e` this library does not know (yet): passed through, never an error.
 * `type` is the venue's `e`, `E` its event time when numeric, `raw` the decoded object as received.
 */
export interface UnknownEvent {
  /** Always `unknown` (the venue's own type is in `type`), so a switch on `e` stays exhaustive. */
  e: 'unknown';
  /** The venue's event type (`e`). */
  type: string;
  /** The event time (`E`) when it is a number. */
  E: number | undefined;
  /**
   * The decoded event object as received, except that the values of secret fields (listenKey,
   * listenToken, signature, apiKey…, at any depth) are replaced by `[REDACTED]`.
   */
  raw: Readonly<Record<string, unknown>>;
}

/** Any parsed user data event of any dialect, or an unknown one. */
export type UserDataEvent = KnownEvent | UnknownEvent;

/**
 * Result of {@link parseFrame}: the frame's events (one, or several for array frames) or why it
 * was rejected. `E` is the event type: the dialect's events (see DialectEvent) and unknown ones.
 */
export type ParsedFrame<E = UserDataEvent> =
  | {
      /** The frame was understood. */
      ok: true;
      /** Its events, in frame order (array frames carry several). */
      events: E[];
      /** The WebSocket API subscription the frame is wrapped in, when it is. */
      subscriptionId: number | undefined;
    }
  | {
      /** The frame was refused. */
      ok: false;
      /** Why (`USERSTREAM_MALFORMED_FRAME`), without echoing secrets from the frame. */
      error: ProtocolError;
    };

/** Result of {@link parseEvent}. */
export type ParsedEvent<E = UserDataEvent> =
  | {
      /** The event was understood. */
      ok: true;
      /** The validated event (or an `UnknownEvent`). */
      event: E;
    }
  | {
      /** The event was refused. */
      ok: false;
      /** Why (`USERSTREAM_MALFORMED_FRAME`), without echoing secrets. */
      error: ProtocolError;
    };

function table(schemas: Record<string, ZodType>): Readonly<Record<string, ZodType>> {
  // A null prototype: `e` values such as "constructor" or "__proto__" find nothing.
  return Object.freeze(Object.assign(Object.create(null) as Record<string, ZodType>, schemas));
}

/** The schema of every known event, per dialect, keyed by the event type `e`. */
export const eventSchemas: Readonly<Record<Dialect, Readonly<Record<string, ZodType>>>> = Object.freeze(
  Object.fromEntries(DIALECTS.map((d) => [d, table(dialectSchemas[d])])) as Record<
    Dialect,
    Readonly<Record<string, ZodType>>
  >,
);

interface SchemaEntry {
  readonly schema: ZodType;
  /** Exact acceptance check compiled from `schema`, when it can be decided without zod. */
  readonly fast: FastCheck | undefined;
  /** Re-reads a `T` beyond 2^53 from the frame text (exact-id.ts); only on the events that need it. */
  readonly exactT: boolean;
}

function lookupOf(dialect: Dialect): ReadonlyMap<string, SchemaEntry> {
  const exact = EXACT_T_EVENTS[dialect] ?? [];
  return new Map(
    Object.entries(dialectSchemas[dialect]).map(([type, schema]) => [
      type,
      { schema, fast: compileFastCheck(schema), exactT: exact.includes(type) },
    ]),
  );
}

const LOOKUP: ReadonlyMap<string, ReadonlyMap<string, SchemaEntry>> = new Map(
  DIALECTS.map((d) => [d, lookupOf(d)]),
);

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function malformed(dialect: string, message: string, details: Record<string, unknown>): ProtocolError {
  return new ProtocolError(message, { code: ErrorCode.MalformedFrame, details: { dialect, ...details } });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function schemaFailure(dialect: Dialect, type: string, where: string, error: ZodError): ProtocolError {
  const first = error.issues[0];
  const path = first === undefined ? '(root)' : formatPath(first.path);
  const reason = first === undefined ? 'invalid' : first.message;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return malformed(dialect, `Malformed ${dialect} "${type}" event${where}: field ${path}: ${reason}${more}`, {
    eventType: type,
    path,
    issues: error.issues.length,
  });
}

/**
 * `where` names the element of an array frame, e.g. ` (frame[2])`, or is empty. `text` is the
 * frame's text when it holds this one event (exact ids are re-read from it), else undefined.
 */
function parseOne(raw: unknown, dialect: Dialect, where: string, text?: string): ParsedEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      error: malformed(
        dialect,
        `Malformed ${dialect} frame${where}: expected an event object, got ${kindOf(raw)}`,
        {},
      ),
    };
  }
  let object = raw as Record<string, unknown>;
  const type = object.e;
  if (typeof type !== 'string') {
    const problem = type === undefined ? 'missing event type "e"' : `event type "e" is ${kindOf(type)}`;
    return { ok: false, error: malformed(dialect, `Malformed ${dialect} frame${where}: ${problem}`, {}) };
  }
  const schemas = LOOKUP.get(dialect);
  if (schemas === undefined) {
    return {
      ok: false,
      error: malformed(
        String(dialect),
        `Cannot parse events: unknown dialect (use one of ${DIALECTS.join(', ')})`,
        {},
      ),
    };
  }
  const entry = schemas.get(type);
  if (entry === undefined) {
    const unknownEvent: UnknownEvent = {
      e: 'unknown',
      type,
      E: typeof object.E === 'number' ? object.E : undefined,
      // Never a listenKey or other secret field (an expiry notice the dialect does not know).
      raw: unknownRaw(object),
    };
    return { ok: true, event: unknownEvent };
  }
  if (entry.exactT) object = withExactT(object, text);
  // The compiled check accepts exactly what zod accepts; zod runs only to explain a rejection or
  // for schemas with transforms. Accepted objects are delivered as decoded, without a copy; zod's
  // output is laid over the decoded object so both paths give one shape (zod-path.ts).
  if (entry.fast?.(object)) return { ok: true, event: withoutKey(type, object) as unknown as UserDataEvent };
  const result = zodPath(object, entry.schema);
  if (result.ok)
    return { ok: true, event: withoutKey(type, result.event as Record<string, unknown>) as UserDataEvent };
  return { ok: false, error: schemaFailure(dialect, type, where, result.error) };
}

/**
 * Binance's (and Aster's) `listenKeyExpired` names the expired key. The stream that received it
 * knows which key that is, so the event goes on without it: a secret handed to every listener
 * would reach their logs, and the fleet's Redis streams, which keep events. One comparison per
 * event; the notice itself is rare.
 */
function withoutKey(type: string, event: Record<string, unknown>): Record<string, unknown> {
  if (type === 'listenKeyExpired' && event.listenKey !== undefined) delete event.listenKey;
  return event;
}

/**
 * Validates one already-decoded event object (not a frame wrapper) against the dialect's schema
 * for its `e`. Unknown event types pass through as {@link UnknownEvent}. Never throws.
 */
export function parseEvent<D extends Dialect>(
  raw: unknown,
  dialect: D,
): ParsedEvent<DialectEvent<D> | UnknownEvent> {
  return parseOne(raw, dialect, '') as ParsedEvent<DialectEvent<D> | UnknownEvent>;
}

function parseArray(
  items: readonly unknown[],
  dialect: Dialect,
  subscriptionId: number | undefined,
): ParsedFrame {
  const events: UserDataEvent[] = [];
  for (let index = 0; index < items.length; index++) {
    const parsed = parseOne(items[index], dialect, ` (frame[${index}])`);
    if (!parsed.ok) return parsed;
    events.push(parsed.event);
  }
  return { ok: true, events, subscriptionId };
}

function single(parsed: ParsedEvent, subscriptionId: number | undefined): ParsedFrame {
  return parsed.ok ? { ok: true, events: [parsed.event], subscriptionId } : parsed;
}

/**
 * Parses an already-decoded frame (the value `JSON.parse` gave), for callers that must look at
 * the frame first, such as a WebSocket API client routing `{id, status, …}` responses before
 * events. Same results as {@link parseFrame}; never throws. Pass the frame's `text` too when you
 * have it: ids beyond 2^53 (portfolio margin `liabilityChange` `T`) are then read exactly from it;
 * without it such an event is rejected, since `JSON.parse` already rounded the id.
 */
export function parseDecodedFrame<D extends Dialect>(
  value: unknown,
  dialect: D,
  text?: string,
): ParsedFrame<DialectEvent<D> | UnknownEvent> {
  return parseDecoded(value, dialect, text) as ParsedFrame<DialectEvent<D> | UnknownEvent>;
}

function parseDecoded(value: unknown, dialect: Dialect, text: string | undefined): ParsedFrame {
  if (Array.isArray(value)) return parseArray(value, dialect, undefined);
  if (typeof value !== 'object' || value === null) {
    return {
      ok: false,
      error: malformed(
        dialect,
        `Malformed ${dialect} frame: expected a JSON object or array, got ${kindOf(value)}`,
        {},
      ),
    };
  }
  const frame = value as Record<string, unknown>;
  // A bare event (listenKey streams, BHEX, Coins.ph): the common case first.
  if (frame.e !== undefined) return single(parseOne(frame, dialect, '', text), undefined);
  // WebSocket API: {subscriptionId, event}; serverShutdown comes with `event` only.
  const event = frame.event;
  if (event !== undefined) {
    const subscriptionId = frame.subscriptionId;
    if (subscriptionId !== undefined && typeof subscriptionId !== 'number') {
      return {
        ok: false,
        error: malformed(
          dialect,
          `Malformed ${dialect} frame: subscriptionId is ${kindOf(subscriptionId)}`,
          {},
        ),
      };
    }
    return single(parseOne(event, dialect, '', text), subscriptionId);
  }
  // Combined raw stream and options frames: {stream, data}. The stream name is the listenKey: it
  // is never kept. BingX spot pushes {data, dataType} (the subscribed channel).
  const data = frame.data;
  if (data !== undefined && (typeof frame.stream === 'string' || typeof frame.dataType === 'string')) {
    return Array.isArray(data)
      ? parseArray(data, dialect, undefined)
      : single(parseOne(data, dialect, '', text), undefined);
  }
  // Toobit names some pushes' type and time `eventType`/`eventTime` (listenKeyWillExpire): read
  // as `e`/`E` in its dialect only. Past every other frame form, so no other venue pays for it.
  if (dialect === 'toobit' && typeof frame.eventType === 'string') {
    // The notice carries the listenKey: a secret, left out here whatever the schema keeps.
    const { eventType, eventTime, listenKey: _secret, ...rest } = frame;
    return single(parseOne({ ...rest, e: eventType, E: eventTime }, dialect, '', text), undefined);
  }
  return {
    ok: false,
    error: malformed(
      dialect,
      `Malformed ${dialect} frame: missing event type "e" (and no "event" or "data")`,
      {},
    ),
  };
}

/**
 * Parses one WebSocket text frame of a user data stream: `JSON.parse`, then unwraps the WebSocket
 * API wrapper `{subscriptionId, event}` and the combined-stream wrapper `{stream, data}`, and
 * reads arrays of events (BHEX). Only for event frames: WebSocket API responses `{id, status, …}`
 * are the caller's to route first. Never throws; the error never quotes the frame.
 */
export function parseFrame<D extends Dialect>(
  text: string,
  dialect: D,
): ParsedFrame<DialectEvent<D> | UnknownEvent> {
  if (typeof text !== 'string') {
    return {
      ok: false,
      error: malformed(dialect, `Malformed ${dialect} frame: expected text, got ${kindOf(text)}`, {}),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The engine's message quotes the text, which may hold a listenKey: report the length only.
    return {
      ok: false,
      error: malformed(dialect, `Malformed ${dialect} frame: not valid JSON (${text.length} characters)`, {}),
    };
  }
  return parseDecoded(value, dialect, text) as ParsedFrame<DialectEvent<D> | UnknownEvent>;
}
