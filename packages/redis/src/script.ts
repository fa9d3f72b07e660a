import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run with EVALSHA, loaded with EVAL when Redis does not know it (first use, after a restart). */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Lua helper shared by the ownership scripts: the next fencing token from one counter for the
 * whole prefix. A missing counter (a Redis that restarted without persistence) starts again at
 * `now * 1000`, above every token handed out before as long as fewer than 1,000 claims per
 * millisecond were made on average, and never below `floor` (a token a caller still holds).
 * Numbers are written with %d: Lua would print large ones in exponent notation.
 */
export const NEXT_TOKEN_LUA = `
local function next_token(counter_key, now, floor)
  local c = tonumber(redis.call('GET', counter_key) or '0')
  local base = math.max(c, floor)
  if c == 0 then base = math.max(now * 1000, floor) end
  if base ~= c then redis.call('SET', counter_key, string.format('%d', base)) end
  return redis.call('INCR', counter_key)
end
`;
