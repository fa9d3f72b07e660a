/**
 * The zod path of event validation, for schemas the fast check cannot decide (transforms such as
 * futures `listenKeyExpired`'s digit-string `E`, BHEX's numeric ids, PM `liabilityChange`'s exact
 * `T`). zod's output strips every field its schema does not name; the fast path delivers the
 * decoded object as received, unknown fields included. So that an event has one shape whichever
 * path accepted it, zod's values are laid over the decoded object: a field zod produced takes
 * zod's value (a transform's result), any other field stays as it arrived, at every depth.
 */
import type { ZodError, ZodType } from 'zod';

const plain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function overDecoded(decoded: unknown, parsed: unknown): unknown {
  if (Array.isArray(parsed) && Array.isArray(decoded)) {
    return parsed.map((p, i) => overDecoded(decoded[i], p));
  }
  if (plain(parsed) && plain(decoded)) {
    const out: Record<string, unknown> = { ...decoded };
    for (const key of Object.keys(parsed)) out[key] = overDecoded(decoded[key], parsed[key]);
    return out;
  }
  return parsed;
}

/** Validates `object` with zod; on success the event in the fast path's shape (see above). */
export function zodPath(
  object: Record<string, unknown>,
  schema: ZodType,
): { ok: true; event: unknown } | { ok: false; error: ZodError } {
  const result = schema.safeParse(object);
  if (!result.success) return { ok: false, error: result.error };
  return { ok: true, event: overDecoded(object, result.data) };
}
