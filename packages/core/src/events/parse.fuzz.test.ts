/**
 * Hostile frames for the parser: deep nesting, prototype keys, huge and not-quite numbers, wrong
 * types, garbage bytes. The contract: never a throw; a frame yields typed events or one typed
 * MALFORMED_FRAME error; nothing reaches Object.prototype. Runs are fixed so CI is repeatable;
 * FUZZ_RUNS=N raises them (and FUZZ_SEED replays a failure fast-check printed).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fuzzTimeoutMs } from '../../test/hostile-values.js';
import { ErrorCode, UserstreamError } from '../errors.js';
import { DIALECTS } from './common.js';
import {
  type Dialect,
  eventSchemas,
  type ParsedFrame,
  parseDecodedFrame,
  parseEvent,
  parseFrame,
} from './index.js';

vi.setConfig({ testTimeout: fuzzTimeoutMs() });

const RUNS = Number(process.env.FUZZ_RUNS) || 300;
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = (numRuns = RUNS) => ({ numRuns, ...(SEED === undefined ? {} : { seed: SEED }) });
const dialect = fc.constantFrom(...DIALECTS);

// ---- the contract ------------------------------------------------------------------------

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
const ARRAY_PROTO_NAMES = Object.getOwnPropertyNames(Array.prototype).sort().join(',');

function expectNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTO_NAMES);
  expect(Object.getOwnPropertyNames(Array.prototype).sort().join(',')).toBe(ARRAY_PROTO_NAMES);
  const probe = {} as Record<string, unknown>;
  for (const k of ['e', 'E', 'polluted', 'subscriptionId', 'event', 'data', 'stream'])
    expect(probe[k], `Object.prototype.${k}`).toBeUndefined();
}

function known(d: Dialect, e: string): boolean {
  return Object.hasOwn(eventSchemas[d], e);
}

/** Typed events, or one MALFORMED_FRAME error carried as a value (never thrown). */
function expectTyped(result: ParsedFrame | ReturnType<typeof parseEvent>, d: Dialect): void {
  expect(typeof result).toBe('object');
  if (!result.ok) {
    expect(UserstreamError.isInstance(result.error)).toBe(true);
    expect(result.error.code).toBe(ErrorCode.MalformedFrame);
    expect(result.error.message.length).toBeLessThan(300);
    return;
  }
  const events = 'events' in result ? result.events : [result.event];
  for (const event of events) {
    expect(typeof event).toBe('object');
    expect(typeof event.e).toBe('string');
    if (event.e === 'unknown') {
      const u = event as { type: unknown; E: unknown; raw: unknown };
      expect(typeof u.type).toBe('string');
      expect(u.E === undefined || typeof u.E === 'number').toBe(true);
      expect(typeof u.raw).toBe('object');
    } else expect(known(d, event.e), `${d}:${event.e}`).toBe(true);
  }
}

/** Runs the parser; a throw of any kind fails the property with what was thrown. */
function parseText(text: string, d: Dialect): ParsedFrame {
  try {
    return parseFrame(text, d);
  } catch (error) {
    throw new Error(`parseFrame threw ${String(error)} for ${JSON.stringify(text.slice(0, 200))}`);
  }
}

function parseValue(value: unknown, d: Dialect): ParsedFrame {
  try {
    return parseDecodedFrame(value, d);
  } catch (error) {
    throw new Error(`parseDecodedFrame threw ${String(error)}`);
  }
}

beforeAll(expectNoPollution);
afterAll(expectNoPollution);

// ---- hostile pieces ----------------------------------------------------------------------

const EVENT_TYPES = [
  ...new Set(DIALECTS.flatMap((d) => Object.keys(eventSchemas[d]))),
  'unknownEvent',
  '',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];
const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__defineGetter__',
];

/** Numbers and number-like texts that break naive code: 1e400 parses to Infinity, -0, 2^53+1… */
const NUMBER_TEXTS = [
  '1e400',
  '-1e400',
  '-0',
  '0.0000000000000000000000001',
  '123456789012345678901234567890',
  '9007199254740993',
  '-9007199254740993',
  '1.7976931348623157e308',
  '5e-324',
  '2147483648',
  '1E2',
  '0e0',
];
const HOSTILE_STRINGS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '0x10',
  ' 1',
  '1 ',
  '',
  '\u0000',
  '\uD800',
  '\uDFFF\uD800',
  '\uFEFF',
  '💥'.repeat(3),
  '__proto__',
  'constructor',
  'a'.repeat(5_000),
];

const scalar = fc.oneof(
  fc.constantFrom(...NUMBER_TEXTS),
  fc.constantFrom(...HOSTILE_STRINGS).map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', 'null', '[]', '{}', '""'),
  fc.double().map((n) => (Number.isFinite(n) ? JSON.stringify(n) : '1e400')),
  fc.bigInt().map((n) => n.toString()),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
);

const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTO_KEYS) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'e',
      'E',
      'T',
      'a',
      's',
      'S',
      'X',
      'B',
      'P',
      'o',
      'data',
      'stream',
      'event',
      'subscriptionId',
      'id',
      'status',
      // Containers of the #18 events.
      'ao',
      'so',
      'su',
      'gu',
      'or',
      'G',
      'O',
      'fs',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);

/** JSON text built by hand, so keys such as "__proto__" and numbers such as 1e400 get through. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(key, tie('value')), { maxLength: 5 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** An event-shaped object: a chosen `e`, then hostile fields (prototype keys among them). */
const eventText = fc
  .tuple(
    fc.constantFrom(...EVENT_TYPES),
    fc.array(fc.tuple(key, jsonText), { maxLength: 8 }),
    fc.option(scalar),
  )
  .map(
    ([e, fields, E]) =>
      `{"e":${JSON.stringify(e)}${E === null ? '' : `,"E":${E}`}${fields.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('')}}`,
  );

/** The event in every envelope the venues use: bare, an array, WebSocket API, combined stream. */
const framed = fc.oneof(
  eventText,
  fc.array(eventText, { maxLength: 4 }).map((events) => `[${events.join(',')}]`),
  fc.tuple(scalar, eventText).map(([sid, event]) => `{"subscriptionId":${sid},"event":${event}}`),
  fc.tuple(jsonText, eventText).map(([name, event]) => `{"stream":${name},"data":${event}}`),
  fc.tuple(eventText, jsonText).map(([event, extra]) => `{"__proto__":${event},"event":${extra}}`),
);

// ---- properties --------------------------------------------------------------------------

describe('parseFrame under hostile frames', () => {
  it('event-shaped frames with prototype keys, wrong types and huge numbers, in every envelope', () => {
    fc.assert(
      fc.property(framed, dialect, (text, d) => {
        expectTyped(parseText(text, d), d);
        // The same value handed over already decoded (the shared-connection path).
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return;
        }
        expectTyped(parseValue(value, d), d);
      }),
      params(),
    );
    expectNoPollution();
  });

  it('arbitrary JSON texts with prototype keys anywhere', () => {
    fc.assert(
      fc.property(jsonText, dialect, (text, d) => {
        expectTyped(parseText(text, d), d);
      }),
      params(),
    );
    expectNoPollution();
  });

  it('garbage bytes: invalid UTF-8 decoded as ws would, binary, lone surrogates, empty and blank frames', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
          fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
          fc.string({ unit: 'binary', maxLength: 64 }),
          fc.constantFrom(
            '',
            ' ',
            '\n',
            '\uFEFF',
            '\uFEFF{}',
            '\u0000',
            '{"e":"executionReport"\u0000}',
            '\uD800',
          ),
          framed.map((t) => t.slice(0, Math.max(0, t.length - 1))), // truncated
          framed.map((t) => `\uFEFF${t}`),
        ),
        dialect,
        (text, d) => {
          expectTyped(parseText(text, d), d);
        },
      ),
      params(),
    );
    expectNoPollution();
  });

  it('objects whose prototype is not Object.prototype, and own __proto__ keys, decoded or not', () => {
    const evil = { e: 'executionReport', E: 1, polluted: true };
    fc.assert(
      fc.property(fc.constantFrom(...EVENT_TYPES), dialect, jsonText, (e, d, text) => {
        let extra: unknown;
        try {
          extra = JSON.parse(text);
        } catch {
          extra = text;
        }
        const inherited = Object.assign(Object.create(evil) as object, { extra });
        const nullProto = Object.assign(Object.create(null) as object, { e, E: 1, extra });
        const ownProto = JSON.parse(`{"__proto__":{"e":${JSON.stringify(e)},"E":1},"x":1}`) as unknown;
        for (const value of [
          inherited,
          nullProto,
          ownProto,
          [inherited, nullProto],
          { event: nullProto, subscriptionId: 1 },
        ]) {
          expectTyped(parseValue(value, d), d);
          expectTyped(parseEvent(value, d), d);
        }
      }),
      params(Math.ceil(RUNS / 3)),
    );
    expectNoPollution();
  });

  it('wrong types for the envelope and the event itself', () => {
    const values: unknown[] = [
      undefined,
      null,
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      10n,
      Symbol('x'),
      () => {},
      'executionReport',
      [],
      [[]],
      new Date(0),
      new Map([['e', 'executionReport']]),
      Buffer.from('{"e":"executionReport"}'),
      new Uint8Array([123, 125]),
      { e: 1 },
      { e: null },
      { e: ['executionReport'] },
      { e: { toString: () => 'executionReport' } },
      { event: 'x', subscriptionId: 1 },
      { data: null, stream: 1 },
    ];
    for (const d of DIALECTS) {
      for (const value of values) {
        expectTyped(parseValue(value, d), d);
        expectTyped(parseEvent(value, d), d);
        if (typeof value === 'string') expectTyped(parseText(value, d), d);
      }
      for (const text of values.map((v) => String(typeof v === 'symbol' ? v.description : v)))
        expectTyped(parseText(text, d), d);
    }
    expectNoPollution();
  });

  it('20,000 levels of nesting in every position, as text and decoded', () => {
    const N = 20_000;
    const deepArray = `${'['.repeat(N)}${']'.repeat(N)}`;
    const deepObject = `${'{"a":'.repeat(N)}1${'}'.repeat(N)}`;
    const deepProto = `${'{"__proto__":'.repeat(N)}{}${'}'.repeat(N)}`;
    const texts = [
      deepArray,
      deepObject,
      deepProto,
      `{"e":"executionReport","E":1,"x":${deepArray}}`,
      `{"e":"ORDER_TRADE_UPDATE","E":1,"o":${deepObject}}`,
      `{"subscriptionId":1,"event":${deepObject}}`,
      `{"stream":"k","data":${deepArray}}`,
      `[${deepArray},{"e":"outboundAccountPosition"}]`,
      `{"e":${deepArray}}`,
      `{"e":"balanceUpdate","E":${deepObject}}`,
    ];
    for (const d of DIALECTS) {
      for (const text of texts) {
        expectTyped(parseText(text, d), d);
        expectTyped(parseValue(JSON.parse(text), d), d);
      }
    }
    // Deeper than JSON.parse itself can go (a RangeError inside the parser): still a value.
    const tooDeep = `${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}`;
    expectTyped(parseText(tooDeep, 'spot'), 'spot');
    expectNoPollution();
  });
});

describe('exact ids beyond 2^53 under hostile text', () => {
  // liabilityChange's T is re-read from the frame text (exact-id.ts): whatever stands there, the
  // result is typed, and an accepted T is a digit string; a JSON integer arrives digit for digit.
  it('liabilityChange with any T, in every envelope', () => {
    const digits = fc.bigInt({ min: 0n, max: 10n ** 39n }).map((n) => n.toString());
    fc.assert(
      fc.property(
        fc.oneof(scalar, digits),
        fc.constantFrom('bare', 'data', 'event', 'array'),
        fc.array(fc.tuple(key, jsonText), { maxLength: 3 }),
        (T, envelope, extra) => {
          const rest = extra.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('');
          const event = `{"e":"liabilityChange","E":1,"a":"BTC","t":"BORROW","T":${T},"p":"1","i":"0","l":"1"${rest}}`;
          const text =
            envelope === 'bare'
              ? event
              : envelope === 'data'
                ? `{"stream":"s","data":${event}}`
                : envelope === 'event'
                  ? `{"subscriptionId":1,"event":${event}}`
                  : `[${event}]`;
          const result = parseText(text, 'portfolioMargin');
          expectTyped(result, 'portfolioMargin');
          if (!result.ok) return;
          const parsed = result.events[0];
          if (parsed?.e !== 'liabilityChange') return;
          expect(parsed.T).toMatch(/^\d+$/);
          // A later duplicate "T" key wins in JSON.parse; the exact digits are only promised for one.
          const single = !extra.some(([k]) => k === 'T');
          if (single && envelope !== 'array' && /^(0|[1-9]\d*)$/.test(T)) expect(parsed.T).toBe(T);
        },
      ),
      params(),
    );
    expectNoPollution();
  });
});
