import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ProtocolError } from '../errors.js';
import { DIALECTS } from './common.js';
import { compileFastCheck } from './fast.js';
import { type Dialect, eventSchemas, type ParsedFrame, parseEvent, parseFrame } from './index.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const DIALECT_OF_DIR: Record<string, Dialect> = {
  'binance-spot': 'spot',
  futures: 'futures',
  bhex: 'bhex',
  coins: 'coins',
  options: 'options',
  'portfolio-margin': 'portfolioMargin',
  'margin-risk': 'marginRisk',
};

/** The contract: a result, never a throw; failures are MALFORMED_FRAME ProtocolErrors. */
function expectWellFormedResult(result: ParsedFrame | ReturnType<typeof parseEvent>): void {
  if (result.ok) return;
  expect(result.error).toBeInstanceOf(ProtocolError);
  expect(result.error.code).toBe(ErrorCode.MalformedFrame);
  expect(result.error.message.length).toBeLessThan(300);
}

const dialect = fc.constantFrom(...DIALECTS);

describe('parseFrame never throws', () => {
  it('for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), dialect, (text, d) => {
        expectWellFormedResult(parseFrame(text, d));
      }),
      { numRuns: 500 },
    );
  });

  it('for arbitrary JSON texts', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), dialect, (text, d) => {
        expectWellFormedResult(parseFrame(text, d));
      }),
      { numRuns: 500 },
    );
  });

  it('for arbitrary values, stringified', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 5 }), dialect, (value, d) => {
        const text = JSON.stringify(value) ?? String(value);
        expectWellFormedResult(parseFrame(text, d));
        expectWellFormedResult(parseEvent(value, d));
      }),
      { numRuns: 500 },
    );
  });

  it('for objects with a known event type and arbitrary fields', () => {
    const known = fc.constantFrom(
      'executionReport',
      'outboundAccountPosition',
      'ORDER_TRADE_UPDATE',
      'ACCOUNT_UPDATE',
      'listenKeyExpired',
      'outboundAccountInfo',
      'balanceUpdate',
      'listStatus',
      'MARGIN_CALL',
    );
    fc.assert(
      fc.property(
        known,
        fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 3 })),
        dialect,
        (e, fields, d) => {
          expectWellFormedResult(parseFrame(JSON.stringify({ ...fields, e }), d));
          expectWellFormedResult(
            parseFrame(JSON.stringify({ subscriptionId: 1, event: { ...fields, e } }), d),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('for deep nesting and huge frames', () => {
    expectWellFormedResult(parseFrame('['.repeat(100_000) + ']'.repeat(100_000), 'bhex'));
    expectWellFormedResult(parseFrame('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 'spot'));
    expectWellFormedResult(
      parseFrame(`{"e":"executionReport","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`, 'coins'),
    );
    expectWellFormedResult(parseFrame(`[${'{"e":"x","E":1},'.repeat(100_000)}1]`, 'bhex'));
    expectWellFormedResult(parseFrame('['.repeat(1_000_000), 'futures'));
  });
});

// ---- mutated fixtures -------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function fixtures(): { name: string; dialect: Dialect; value: Json }[] {
  const out: { name: string; dialect: Dialect; value: Json }[] = [];
  for (const dir of readdirSync(FIXTURES)) {
    const d = DIALECT_OF_DIR[dir];
    if (d === undefined || !statSync(join(FIXTURES, dir)).isDirectory()) continue;
    for (const file of readdirSync(join(FIXTURES, dir))) {
      out.push({
        name: `${dir}/${file}`,
        dialect: d,
        value: JSON.parse(readFileSync(join(FIXTURES, dir, file), 'utf8')),
      });
    }
  }
  return out;
}

/** Paths to every node of a JSON value (objects' keys and arrays' indexes). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => {
    const child = (value as Record<string | number, Json>)[k] as Json;
    return [[...prefix, k], ...paths(child, [...prefix, k])];
  });
}

const replacement = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 5 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant(undefined), // deletion
);

/** The compiled fast check must accept exactly what the zod schema accepts. */
function expectFastCheckAgreesWithZod(frame: Json, d: Dialect): void {
  const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
    v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
  const event = isObject(frame) && 'event' in frame ? frame.event : frame;
  if (!isObject(event) || typeof event.e !== 'string') return;
  const schema = eventSchemas[d][event.e];
  const fast = schema && compileFastCheck(schema);
  if (!schema || !fast) return;
  expect(fast(event)).toBe(schema.safeParse(event).success);
}

describe('compiled fast checks', () => {
  it('cover the hot events of every dialect', () => {
    const compiled = Object.entries(eventSchemas).flatMap(([d, schemas]) =>
      Object.entries(schemas)
        .filter(([, schema]) => compileFastCheck(schema) !== undefined)
        .map(([e]) => `${d}:${e}`),
    );
    for (const hot of [
      'spot:executionReport',
      'spot:outboundAccountPosition',
      'futures:ORDER_TRADE_UPDATE',
      'futures:ACCOUNT_UPDATE',
      'coins:executionReport',
    ]) {
      expect(compiled).toContain(hot);
    }
  });
});

describe('parseFrame on mutated fixtures', () => {
  const all = fixtures();

  it.each(all.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const nodes = paths(f.value);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(nodes.length - 1), replacement), { minLength: 1, maxLength: 3 }),
        (edits) => {
          const copy = structuredClone(f.value) as Json;
          for (const [index, value] of edits) {
            const path = nodes[index];
            if (path === undefined) continue;
            let parent: Json = copy;
            for (const key of path.slice(0, -1)) {
              if (parent === null || typeof parent !== 'object') break;
              parent = (parent as Record<string | number, Json>)[key] as Json;
            }
            if (parent === null || typeof parent !== 'object') continue;
            const last = path[path.length - 1] as string | number;
            if (value === undefined) delete (parent as Record<string | number, Json>)[last];
            else (parent as Record<string | number, unknown>)[last] = structuredClone(value);
          }
          const result = parseFrame(JSON.stringify(copy), f.dialect);
          expectWellFormedResult(result);
          expectFastCheckAgreesWithZod(copy, f.dialect);
        },
      ),
      { numRuns: 150 },
    );
  });
});
