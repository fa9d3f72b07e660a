import { type Clock, systemClock, validateDuration } from '@userstream/core';
import {
  LeaseConflictError,
  type LeaseKind,
  LeaseLostError,
  type LeaseRecord,
  type LeaseStore,
  type Ownership,
  type StoredLease,
} from '@userstream/keepalive';
import type { RedisClient as Redis } from './client.js';
import { redisCall } from './errors.js';
import { checkPrefix, redisKeys } from './keys.js';
import { configKit, inputKit } from './option-kits.js';
import { FENCE_LUA, LuaScript, NEXT_TOKEN_LUA } from './script.js';

/**
 * Options of {@link createRedisLeaseStore}. A bad prefix or duration throws an `InvalidInputError`
 * (`USERSTREAM_INVALID_CONFIG`) naming the field.
 */
export interface RedisLeaseStoreOptions {
  /** An ioredis client (`new Redis(url)`); the store never closes it. */
  redis: Redis;
  /** Prefix of every key the store writes. @default 'userstream:' */
  prefix?: string;
  /**
   * Ownership expiry runs on this clock (every worker of a fleet should use the same time
   * source: keep their clocks synced with NTP). @default systemClock
   */
  clock?: Pick<Clock, 'now'>;
  /**
   * Redis drops an ownership entry this long after it lapsed (housekeeping only: expiry itself
   * is decided with `clock`). @default 60_000
   */
  collectAfterMs?: number;
}

/** A {@link LeaseStore} whose records and owners live in Redis, shared by a fleet of workers. */
export interface RedisLeaseStore extends Required<LeaseStore> {
  /** The prefix the store writes under. */
  readonly prefix: string;
}

/**
 * put: KEYS[1] record hash, KEYS[2] owner hash, KEYS[3] fence epoch; ARGV record JSON,
 * expected version or '', owner, fencing token, now. Returns {1, version}, {0, found version}
 * (conflict) or {-2, current token} (fenced off: the caller's token is stale).
 */
const PUT = new LuaScript(`${FENCE_LUA}
local current = fence(KEYS[2], KEYS[3], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
if current then return {-2, current} end
local cur = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= cur then return {0, cur} end
redis.call('HSET', KEYS[1], 'record', ARGV[1], 'version', cur + 1)
return {1, cur + 1}
`);

/**
 * delete: KEYS as put; ARGV expected version or '', owner, fencing token, now. Returns {1}
 * deleted, {0} absent, {-1, found} conflict, {-2, current token} fenced off.
 */
const DELETE = new LuaScript(`${FENCE_LUA}
local current = fence(KEYS[2], KEYS[3], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
if current then return {-2, current} end
local cur = redis.call('HGET', KEYS[1], 'version')
if not cur then return {0, 0} end
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= tonumber(cur) then return {-1, tonumber(cur)} end
redis.call('DEL', KEYS[1])
return {1, tonumber(cur)}
`);

/**
 * claim: KEYS[1] owner hash, KEYS[2] fencing counter, KEYS[3] fence epoch; ARGV owner, now, ttl, collectAfter.
 * Returns {token, expiresAt} or false when another owner holds an unexpired ownership.
 */
const CLAIM = new LuaScript(`${NEXT_TOKEN_LUA}
local now, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'owner', 'token', 'exp')
local held = h[1] and h[1] ~= '' and tonumber(h[3]) > now
if held and h[1] ~= ARGV[1] then return false end
local token
if held then token = tonumber(h[2]) else token = next_token(KEYS[2], KEYS[3], now, 0) end
local exp = now + ttl
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', string.format('%d', token), 'exp', string.format('%d', exp))
redis.call('PEXPIRE', KEYS[1], ttl + tonumber(ARGV[4]))
return {token, exp}
`);

/**
 * Lua: renews one ownership (owner hash `k`); returns {token, expiresAt} or false when the
 * ownership was lost (another owner, or released). A missing entry with a token from before
 * the epoch means Redis lost its data in a restart: nobody can hold a newer token without an
 * entry, so the caller carries on with a NEW token, as after any lapse. A missing entry with a
 * newer token was collected after it lapsed (or was released): another owner may have come and
 * gone since, so it is lost (issue 15 item 1).
 */
const RENEW_ONE_LUA = `${NEXT_TOKEN_LUA}
local function renew_one(k, counter, epoch_key, owner, token, now, ttl, collect)
  local h = redis.call('HMGET', k, 'owner', 'token', 'exp')
  local nt
  if not h[1] then
    local epoch = tonumber(redis.call('GET', epoch_key) or '0')
    if epoch ~= 0 and token >= epoch then return false end
    nt = next_token(counter, epoch_key, now, token)
  else
    if h[1] ~= owner or tonumber(h[2]) ~= token then return false end
    if tonumber(h[3]) <= now then nt = next_token(counter, epoch_key, now, token) else nt = token end
  end
  local exp = now + ttl
  redis.call('HSET', k, 'owner', owner, 'token', string.format('%d', nt), 'exp', string.format('%d', exp))
  redis.call('PEXPIRE', k, ttl + collect)
  return {nt, exp}
end
`;

/**
 * renew many (issue 15 item 5: one round trip per worker per tick, not one script per lease):
 * KEYS[1] counter, KEYS[2] fence epoch, KEYS[3..] owner hashes; ARGV[1] now, ARGV[2]
 * collectAfter, then owner, token, ttl for each owner hash in KEYS order. Returns a flat array,
 * token and expiresAt per lease (0, 0 when that one was lost): each lease is fenced on its own.
 */
const RENEW_MANY = new LuaScript(`${RENEW_ONE_LUA}
local now, collect = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for i = 3, #KEYS do
  local a = 3 + (i - 3) * 3
  local r = renew_one(KEYS[i], KEYS[1], KEYS[2], ARGV[a], tonumber(ARGV[a + 1]), now, tonumber(ARGV[a + 2]), collect)
  if r then
    out[#out + 1] = r[1]
    out[#out + 1] = r[2]
  else
    out[#out + 1] = 0
    out[#out + 1] = 0
  end
end
return out
`);

/** Most leases one renewal script handles (a bigger batch is split: a script blocks Redis while it runs). */
const RENEW_BATCH_MAX = 10_000;

/** release: KEYS[1] owner hash; ARGV owner, token. Leaves a released marker so the token stays fenced off. */
const RELEASE = new LuaScript(`
local h = redis.call('HMGET', KEYS[1], 'owner', 'token')
if h[1] == ARGV[1] and tonumber(h[2]) == tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'owner', '', 'exp', '0')
  return 1
end
return 0
`);

const KINDS: ReadonlySet<string> = new Set<LeaseKind>(['listenKey', 'listenToken', 'wsApi']);

/** Only these fields are ever written: a record cannot smuggle a credential into Redis. */
function encodeRecord(record: LeaseRecord): string {
  if (!KINDS.has(record?.kind)) {
    throw inputKit.invalid(
      `a lease record needs kind 'listenKey', 'listenToken' or 'wsApi', got ${String(record?.kind)}`,
      'record.kind',
    );
  }
  const fp = record.credentialFingerprint;
  if (fp !== undefined && !/^[0-9a-f]{1,16}$/.test(fp)) {
    throw inputKit.invalid(
      'credentialFingerprint must be a short hex fingerprint (keepalive fingerprint()), never the credential',
      'record.credentialFingerprint',
    );
  }
  return JSON.stringify({
    kind: record.kind,
    owner: String(record.owner),
    fencingToken: Number(record.fencingToken),
    createdAt: Number(record.createdAt),
    lastRenewedAt: record.lastRenewedAt ?? null,
    nextRenewalAt: record.nextRenewalAt ?? null,
    expiresAt: record.expiresAt ?? null,
    credentialFingerprint: fp ?? null,
  });
}

function decodeRecord(text: string): LeaseRecord {
  const r = JSON.parse(text) as Record<string, unknown>;
  const opt = (v: unknown) => (v === null || v === undefined ? undefined : v);
  return Object.freeze({
    kind: r.kind as LeaseKind,
    owner: r.owner as string,
    fencingToken: r.fencingToken as number,
    createdAt: r.createdAt as number,
    lastRenewedAt: opt(r.lastRenewedAt) as number | undefined,
    nextRenewalAt: opt(r.nextRenewalAt) as number | undefined,
    expiresAt: opt(r.expiresAt) as number | undefined,
    credentialFingerprint: opt(r.credentialFingerprint) as string | undefined,
  });
}

function positiveTtl(ttlMs: number): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw inputKit.invalid(`ownership ttlMs must be a positive number, got ${ttlMs}`, 'ttlMs');
  }
  return Math.ceil(ttlMs);
}

function checkOwner(owner: unknown): string {
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 200) {
    throw inputKit.invalid('an owner must be a non-empty worker name (at most 200 characters)', 'owner');
  }
  return owner;
}

const conflict = (expected: number, found: number) =>
  new LeaseConflictError(
    `@userstream/redis: lease record changed underneath (expected version ${expected}, found ${found}); read it again`,
  );

const lost = (what: string, token: number, current: number) =>
  new LeaseLostError(
    `@userstream/redis: ${what} refused: fencing token ${token} is stale (the lease's current token is ${current}); another worker owns this lease now, stop renewing and deleting its credential`,
  );

const ownershipOf = (owner: string, reply: unknown): Ownership | undefined => {
  if (!Array.isArray(reply)) return undefined;
  return Object.freeze({ owner, fencingToken: Number(reply[0]), expiresAt: Number(reply[1]) });
};

/**
 * Creates a {@link LeaseStore} over Redis with the semantics of keepalive's memory store:
 * records with versions and compare-and-set, one owner per key at a time, fencing tokens
 * strictly increasing per key across owners (one counter per prefix), each operation one Lua
 * script so it is atomic. Nothing but the {@link LeaseRecord} fields is written (no credential:
 * a record holds a fingerprint only). Failures reject with `USERSTREAM_REDIS_UNAVAILABLE`.
 *
 * Keys: `<prefix>lease:<id>` (record hash), `<prefix>owner:<id>` (ownership hash),
 * `<prefix>fence` (the token counter), `<id>` being the URI-encoded venue/origin/account/symbol.
 */
export function createRedisLeaseStore(options: RedisLeaseStoreOptions): RedisLeaseStore {
  if (typeof options !== 'object' || options === null) {
    throw configKit.invalid('createRedisLeaseStore({ redis }) needs an options object', 'options');
  }
  const { redis } = options;
  if (typeof redis?.evalsha !== 'function' || typeof redis?.hmget !== 'function') {
    throw configKit.invalid(
      'createRedisLeaseStore({ redis }) needs an ioredis client, e.g. new Redis("redis://127.0.0.1:6379")',
      'redis',
    );
  }
  const prefix = checkPrefix(options.prefix, 'createRedisLeaseStore');
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function') {
    throw configKit.invalid('createRedisLeaseStore({ clock }) needs a clock with now()', 'clock');
  }
  const collectAfterMs = options.collectAfterMs ?? 60_000;
  if (!Number.isFinite(collectAfterMs) || collectAfterMs < 0) {
    throw configKit.invalid('collectAfterMs must be a number of ms >= 0', 'collectAfterMs');
  }
  // One bound for every duration option in the packages (Node's timer limit, about 24.8 days).
  validateDuration(collectAfterMs, 'collectAfterMs', { allowZero: true, prefix: '@userstream/redis' });
  const keys = redisKeys(prefix);
  const counter = keys.fence();
  const epoch = keys.fenceEpoch();
  const recordKey = keys.lease;
  const ownerKey = keys.owner;
  const version = (v: number | undefined) => (v === undefined ? '' : String(v));

  interface QueuedRenewal {
    readonly key: string;
    readonly ownership: Ownership;
    readonly ttl: number;
    resolve(o: Ownership | undefined): void;
    reject(e: unknown): void;
  }
  let queued: QueuedRenewal[] = [];
  const renewBatch = async (batch: QueuedRenewal[]): Promise<void> => {
    const keyList = [counter, epoch];
    const args: (string | number)[] = [Math.floor(clock.now()), collectAfterMs];
    for (const r of batch) {
      keyList.push(r.key);
      args.push(r.ownership.owner, r.ownership.fencingToken, r.ttl);
    }
    try {
      const reply = (await redisCall('renewing lease ownerships', () =>
        RENEW_MANY.run(redis, keyList, args),
      )) as number[];
      batch.forEach((r, i) => {
        const token = Number(reply[2 * i]);
        r.resolve(
          token === 0
            ? undefined
            : Object.freeze({
                owner: r.ownership.owner,
                fencingToken: token,
                expiresAt: Number(reply[2 * i + 1]),
              }),
        );
      });
    } catch (error) {
      for (const r of batch) r.reject(error);
    }
  };
  const flushRenewals = (): void => {
    const all = queued;
    queued = [];
    for (let i = 0; i < all.length; i += RENEW_BATCH_MAX) void renewBatch(all.slice(i, i + RENEW_BATCH_MAX));
  };

  return {
    prefix,
    async get(key) {
      const [text, v] = await redisCall('reading a lease record', () =>
        redis.hmget(recordKey(key), 'record', 'version'),
      );
      if (!text || !v) return undefined;
      const stored: StoredLease = { record: decodeRecord(text), version: Number(v) };
      return Object.freeze(stored);
    },
    async put(key, record, putOptions) {
      const json = encodeRecord(record);
      const token = Number(record.fencingToken);
      const reply = (await redisCall('writing a lease record', () =>
        PUT.run(
          redis,
          [recordKey(key), ownerKey(key), epoch],
          [json, version(putOptions?.ifVersion), String(record.owner), token, Math.floor(clock.now())],
        ),
      )) as [number, number];
      if (reply[0] === -2) throw lost('writing the lease record', token, reply[1]);
      if (reply[0] !== 1) throw conflict(putOptions?.ifVersion ?? 0, reply[1]);
      return reply[1];
    },
    async delete(key, deleteOptions) {
      const by = deleteOptions?.ownership;
      const token = Number(by?.fencingToken ?? 0);
      const reply = (await redisCall('deleting a lease record', () =>
        DELETE.run(
          redis,
          [recordKey(key), ownerKey(key), epoch],
          [version(deleteOptions?.ifVersion), by?.owner ?? '', token, Math.floor(clock.now())],
        ),
      )) as [number, number];
      if (reply[0] === -2) throw lost('deleting the lease record', token, reply[1]);
      if (reply[0] === -1) throw conflict(deleteOptions?.ifVersion ?? 0, reply[1]);
      return reply[0] === 1;
    },
    async claim(key, owner, ttlMs) {
      const ttl = positiveTtl(ttlMs);
      checkOwner(owner);
      const reply = await redisCall('claiming a lease', () =>
        CLAIM.run(
          redis,
          [ownerKey(key), counter, epoch],
          [owner, Math.floor(clock.now()), ttl, collectAfterMs],
        ),
      );
      return ownershipOf(owner, reply);
    },
    renewOwnership(key, ownership, ttlMs) {
      const ttl = positiveTtl(ttlMs);
      checkOwner(ownership?.owner);
      return new Promise<Ownership | undefined>((resolve, reject) => {
        queued.push({ key: ownerKey(key), ownership, ttl, resolve, reject });
        // Every renewal asked for in this turn of the event loop goes out in one script: a
        // worker's ownership renewals fall due together (keepalive aligns them to its tick).
        if (queued.length === 1) setImmediate(flushRenewals);
      });
    },
    async release(key, ownership) {
      await redisCall('releasing a lease', () =>
        RELEASE.run(redis, [ownerKey(key)], [ownership.owner, ownership.fencingToken]),
      );
    },
  };
}
