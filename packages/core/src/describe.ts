/**
 * A value as option errors show it ("got …"). `String(value)` throws on what JSON.parse makes of
 * `{"toString":1}` and on null-prototype objects, so an option check that quoted such a value
 * threw a TypeError instead of its typed error; this never throws, and shows everything else
 * exactly as `String` does.
 */
export function describeValue(value: unknown): string {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  try {
    const text = String(value);
    return typeof text === 'string' ? text : Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
