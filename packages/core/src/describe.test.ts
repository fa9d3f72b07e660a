import { expect, it } from 'vitest';
import { describeValue } from './describe.js';

it('shows what String shows, and never throws on objects String cannot convert', () => {
  expect(() => String(Object.create(null))).toThrow(TypeError);
  expect(() => String(JSON.parse('{"toString":1}'))).toThrow(TypeError);
  expect(describeValue(Object.create(null))).toBe('[object Object]');
  expect(describeValue(JSON.parse('{"toString":1,"valueOf":2}'))).toBe('[object Object]');
  expect(describeValue({ toString: () => ({}) })).toBe('[object Object]');
  for (const v of [
    1,
    -0,
    Number.NaN,
    'fast',
    undefined,
    null,
    true,
    10n,
    Symbol('s'),
    [1, 2],
    {},
    new Date(0),
  ])
    expect(describeValue(v)).toBe(String(v));
});
