/**
 * Exact ids beyond 2^53. Portfolio margin's `liabilityChange` carries its transaction id `T` as a
 * JSON number above 2^53 (documented example `1352286576452864727`), which `JSON.parse` rounds to
 * the nearest double. The parser re-reads the digits from the frame text for that one event
 * type only (its schema entry carries this fix-up), so the hot path of every other event pays
 * nothing.
 */

/** Matches `"T": <digits>` in frame text; the global flag lets us try every occurrence. */
const T_FIELD = /"T"\s*:\s*(\d+)/g;

/**
 * Returns `event` with `T` as the exact digit string: read from `text` when given (the
 * occurrence whose value rounds to the decoded number), else from the number itself when it is a
 * safe integer. When neither works (a rounded number and no text), `event` is returned as is and
 * the schema rejects it with a message that says to parse the frame text.
 */
export function withExactT(
  event: Record<string, unknown>,
  text: string | undefined,
): Record<string, unknown> {
  const decoded = event.T;
  if (typeof decoded !== 'number') return event;
  let digits: string | undefined;
  if (text !== undefined) {
    T_FIELD.lastIndex = 0;
    for (let m = T_FIELD.exec(text); m !== null; m = T_FIELD.exec(text)) {
      const found = m[1] as string;
      if (Number(found) === decoded) {
        digits = found;
        break;
      }
    }
  }
  if (digits === undefined && Number.isSafeInteger(decoded)) digits = String(decoded);
  return digits === undefined ? event : { ...event, T: digits };
}
