import { createHash } from 'node:crypto';
import type { RedisClient as Redis } from './client.js';

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
 * The first token of such a new start is written to the epoch key: a token below it was handed
 * out before Redis lost its data (see FENCE_LUA). Numbers are written with %d: Lua would print
 * large ones in exponent notation.
 */
export const NEXT_TOKEN_LUA = `
local function next_token(counter_key, epoch_key, now, floor)
  local c = tonumber(redis.call('GET', counter_key) or '0')
  local base = math.max(c, floor)
  if c == 0 then
    base = math.max(now * 1000, floor)
    redis.call('SET', epoch_key, string.format('%d', base + 1))
  end
  if base ~= c then redis.call('SET', counter_key, string.format('%d', base)) end
  return redis.call('INCR', counter_key)
end
`;

/**
 * Lua helper: keepalive's fenceCheck() rule (lease-store.ts there) on a Redis ownership hash.
 * Returns nil when `owner` holding `token` may write, else the current token. With no entry
 * (never claimed, collected after it lapsed, or lost with a Redis restart) a token from before
 * the epoch may write (Redis lost what fenced it, nobody can hold a newer one yet unless its
 * entry exists), token 0 may write, and any other token is stale: the entry that proved it
 * was collected, so a newer owner may have come and gone.
 */
export const FENCE_LUA = `
local function fence(owner_key, epoch_key, owner, token, now)
  local h = redis.call('HMGET', owner_key, 'owner', 'token', 'exp')
  if h[1] then
    local cur = tonumber(h[2])
    if h[1] ~= '' and tonumber(h[3]) > now then
      if h[1] == owner and cur == token then return nil end
      return cur
    end
    if token == 0 or token >= cur then return nil end
    return cur
  end
  if token == 0 then return nil end
  local epoch = tonumber(redis.call('GET', epoch_key) or '0')
  if epoch == 0 or token < epoch then return nil end
  return epoch
end
`;
