/**
 * Shared by the option fuzzers of every package (imported by relative path from their tests):
 * hostile values, hostile option objects and the contract they are held to.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { ErrorCode, UserstreamError } from '../src/index.js';

/** Fixed runs for CI; `FUZZ_RUNS=N` raises them, `FUZZ_SEED=S` replays what fast-check printed. */
export function fuzzParams(defaultRuns: number): { numRuns: number; seed?: number } {
  const runs = Number(process.env.FUZZ_RUNS) || defaultRuns;
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  return { numRuns: runs, ...(seed === undefined ? {} : { seed }) };
}

/**
 * The per-test timeout: 60 s for the fixed budget (the fuzzers that open real sockets take
 * seconds per test: stream's frames fuzzer 10.6-12.3 s of the usual 20 s under load on Node 22
 * and 24, rest's options fuzzer 10.1 s); with FUZZ_RUNS (a long hunt) 30 minutes, so a big
 * budget is not cut short as a "failure". Apply with vi.setConfig.
 */
export function fuzzTimeoutMs(): number {
  return process.env.FUZZ_RUNS ? 30 * 60_000 : 60_000;
}

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

function deep(levels: number, leaf: unknown, asArray: boolean): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = asArray ? [v] : { a: v };
  return v;
}

/** Values that break naive checks: NaN, -0, 2^31, 2^53+2, 1e309 as text, objects that cannot become strings… */
const SPECIAL: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  -1,
  0.5,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  10n,
  Symbol('hostile'),
  '',
  ' ',
  'NaN',
  'Infinity',
  '1e309',
  '5000',
  '0x10',
  '__proto__',
  'binance-usdm',
  'a'.repeat(10_000),
  '\uD800',
  [],
  [1, 2],
  {},
  () => {},
  new Date(Number.NaN),
  /x/,
  new Map(),
  Buffer.from('x'),
  new Number(5),
  new String('x'),
];

/**
 * Fresh on every draw: objects a check might mutate, or that cannot be turned into a string (what
 * JSON.parse makes of `{"toString":1}`: a config file can hold it). Objects that throw on purpose
 * (a throwing Symbol.toPrimitive) are left out: that error would be the caller's own.
 */
const MADE: (() => unknown)[] = [
  () => Object.create(null),
  () => JSON.parse('{"toString":1,"valueOf":2}'),
  () => JSON.parse('{"__proto__":{"polluted":true}}'),
  () => JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  () => deep(20_000, 1, false),
  () => deep(20_000, 1, true),
  () => Object.freeze({ now: 1 }),
];

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 4, arbitrary: fc.constantFrom(...MADE).map((make) => make()) },
  { weight: 2, arbitrary: fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 6 })) },
  {
    weight: 2,
    arbitrary: fc.anything({
      maxDepth: 2,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withTypedArray: true,
      key: fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 3 })),
    }),
  },
);

export interface OptionShape {
  /** Known top-level option names. */
  known: readonly string[];
  /** Options that take an object, with the names each knows (unknown names there are refused too). */
  sections?: Readonly<Record<string, readonly string[]>>;
}

export interface HostileOptions {
  overrides: Record<string, unknown>;
  /** A name the factory does not know was set (top level or in a strict section): it must refuse. */
  unknownKey: string | undefined;
}

/** 1 to 3 option overrides: known names, prototype names and junk names, with hostile values. */
export function hostileOptions(shape: OptionShape): fc.Arbitrary<HostileOptions> {
  const sections = shape.sections ?? {};
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...shape.known) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 4 }) },
  );
  const sectionValue = (
    section: string,
  ): fc.Arbitrary<{ value: unknown; unknownKey: string | undefined }> => {
    const fields = sections[section] ?? [];
    const field = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...fields) },
      { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS) },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 4 }) },
    );
    return fc.array(fc.tuple(field, hostileValue), { minLength: 1, maxLength: 3 }).map((entries) => {
      const unknown = entries.find(([k]) => !fields.includes(k));
      return {
        // fromEntries makes own properties, "__proto__" included (a spread or JSON.parse does too).
        value: Object.fromEntries(entries),
        unknownKey: unknown ? `${section}.${unknown[0]}` : undefined,
      };
    });
  };
  const entry = name.chain((n) =>
    Object.hasOwn(sections, n)
      ? fc.oneof(
          sectionValue(n).map((s) => ({ name: n, ...s })),
          hostileValue.map((value) => ({ name: n, value, unknownKey: undefined })),
        )
      : hostileValue.map((value) => ({ name: n, value, unknownKey: undefined as string | undefined })),
  );
  return fc.array(entry, { minLength: 1, maxLength: 3 }).map((entries) => {
    const overrides = Object.fromEntries(entries.map((e) => [e.name, e.value]));
    let unknownKey: string | undefined;
    for (const e of entries) {
      // A later entry of the same name replaced the earlier value.
      if (overrides[e.name] !== e.value) continue;
      if (!shape.known.includes(e.name)) unknownKey ??= e.name;
      else if (e.unknownKey !== undefined) unknownKey ??= e.unknownKey;
    }
    return { overrides, unknownKey };
  });
}

const OPTION_CODES: readonly string[] = [ErrorCode.InvalidConfig, ErrorCode.InvalidInput];

/** A refusal of options: a UserstreamError (by its marker, across copies) with an option code. */
export function expectOptionError(error: unknown, what: string): void {
  if (!UserstreamError.isInstance(error)) {
    throw new Error(`${what}: an untyped throw: ${describe(error)}`);
  }
  expect(OPTION_CODES, `${what}: ${error.code} ${error.message}`).toContain(error.code);
  expect(typeof error.message).toBe('string');
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

const snapshot = () =>
  [Object.prototype, Array.prototype, Function.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .join('|');
const BEFORE = snapshot();

/** Object.prototype (and Array's, Function's) gained nothing; `{}` inherits no planted value. */
export function expectNoPollution(): void {
  expect(snapshot()).toBe(BEFORE);
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype.toString.call(probe)).toBe('[object Object]');
}

/** Prints an override for a failure message (values that cannot be printed are named by type). */
export function show(overrides: Record<string, unknown>): string {
  return Object.entries(overrides)
    .map(([k, v]) => {
      let text: string;
      try {
        text = typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v));
      } catch {
        text = Object.prototype.toString.call(v);
      }
      return `${k}=${text.slice(0, 80)}`;
    })
    .join(' ');
}
