/**
 * Planned moves of a stream between two live workers, make-before-break (issue 15 item 6).
 *
 * 1. The old owner gives its ownership up and records the move in one script (`start`); it keeps
 *    its open stream, but from then on its lease is fenced off: no keepalive, no DELETE.
 * 2. The new owner claims and opens the stream as usual (a POST returns the account's active
 *    listenKey, so both connections carry the same events); once its connection is open it marks
 *    the move `ready`.
 * 3. The old owner sees `ready`, waits for a frame, ping or pong on its connection after that
 *    (proof it was not silently stalled), lets its last events reach Redis, marks the move
 *    `done`, and closes its stream (without DELETE: it no longer owns the credential).
 * 4. The new owner writes no gap marker when the move is `done`: every event before its
 *    connection opened was appended by the old owner, every later one by itself (events both
 *    saw are appended once by the sink's idempotency key). When the old owner could not cover
 *    (its stream closed, had a gap or showed no life after `ready`: it marks the move
 *    `failed`), or `done` does not come in time (it crashed), the new owner writes the usual
 *    `acquired` gap marker. Until it knows which, it holds its stream's events back
 *    (fleet-worker.ts), so that the marker comes before every event that could follow a hole.
 *
 * A crash at any step ends like any crash: ownership lapses, a gap marker, a REST resync.
 */
import type { Clock } from '@userstream/core';
import type { UserDataStreamHandle } from '@userstream/keepalive';
import type { RedisClient as Redis } from './client.js';
import type { RedisKeys } from './keys.js';
import { LuaScript } from './script.js';

/**
 * KEYS[1] the stream's ownership, KEYS[2] its handoff; ARGV from, to, ttl. Gives up `from`'s
 * ownership (the same change as the lease store's release: owner '', exp 0, token kept so tokens
 * still only increase) and records the move, only while `from` still owns the stream.
 */
const START = new LuaScript(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'owner', '', 'exp', '0')
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'from', ARGV[1], 'to', ARGV[2], 'ready', '0', 'done', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`);

/** KEYS[1] a handoff; ARGV role field ('to' or 'from'), worker, flag to set. Sets it only for the named worker. */
const MARK = new LuaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[3], '1')
return 1
`);

/** KEYS[1] a handoff; ARGV the new owner. Removes it, only if it was addressed to that worker. */
const FINISH = new LuaScript(`
if redis.call('HGET', KEYS[1], 'to') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

export interface HandoffState {
  readonly from: string;
  readonly to: string;
  readonly ready: boolean;
  readonly done: boolean;
  /** The old owner saw the new owner's stream open but could not cover until then. */
  readonly failed: boolean;
}

export class Handoffs {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #clock: Clock;
  readonly #workerId: string;
  /** How long a move may take before both sides give up on it (the new owner then writes a gap). */
  readonly timeoutMs: number;
  readonly #pollMs: number;

  constructor(options: {
    redis: Redis;
    keys: RedisKeys;
    clock: Clock;
    workerId: string;
    timeoutMs: number;
    pollMs: number;
  }) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#clock = options.clock;
    this.#workerId = options.workerId;
    this.timeoutMs = options.timeoutMs;
    this.#pollMs = options.pollMs;
  }

  /** Old owner: gives the stream to `to`. False when this worker no longer owns it (nothing changed). */
  async start(leaseId: string, to: string): Promise<boolean> {
    const reply = await START.run(
      this.#redis,
      [this.#keys.ownerById(leaseId), this.#keys.handoff(leaseId)],
      [this.#workerId, to, Math.ceil(this.timeoutMs * 2)],
    );
    return Number(reply) === 1;
  }

  async state(leaseId: string): Promise<HandoffState | undefined> {
    const h = await this.#redis.hgetall(this.#keys.handoff(leaseId));
    if (!h.from || !h.to) return undefined;
    return {
      from: h.from,
      to: h.to,
      ready: h.ready === '1',
      done: h.done === '1',
      failed: h.failed === '1',
    };
  }

  /** New owner: its connection is open. */
  async ready(leaseId: string): Promise<boolean> {
    return (
      (await MARK.run(this.#redis, [this.#keys.handoff(leaseId)], ['to', this.#workerId, 'ready'])) === 1
    );
  }

  /** Old owner: its stream was open until the new one was, and its events reached Redis. */
  async done(leaseId: string): Promise<boolean> {
    return (
      (await MARK.run(this.#redis, [this.#keys.handoff(leaseId)], ['from', this.#workerId, 'done'])) === 1
    );
  }

  /** Old owner: it could not cover (the new owner then writes its gap marker at once, not after the timeout). */
  async fail(leaseId: string): Promise<boolean> {
    return (
      (await MARK.run(this.#redis, [this.#keys.handoff(leaseId)], ['from', this.#workerId, 'failed'])) === 1
    );
  }

  /** New owner: the move is over (whatever its outcome); a later acquisition must not mistake it for a new one. */
  async finish(leaseId: string): Promise<void> {
    await FINISH.run(this.#redis, [this.#keys.handoff(leaseId)], [this.#workerId]);
  }

  /**
   * Polls the move on the clock until `test` holds (true), the timeout passes or `cancelled()`
   * (false). Redis errors count as "not yet".
   */
  async waitFor(
    leaseId: string,
    test: (state: HandoffState | undefined) => boolean,
    cancelled: () => boolean = () => false,
  ): Promise<boolean> {
    const end = this.#clock.now() + this.timeoutMs;
    for (;;) {
      if (cancelled()) return false;
      const state = await this.state(leaseId).catch(() => undefined);
      if (test(state)) return true;
      if (this.#clock.now() >= end) return false;
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, this.#pollMs));
    }
  }

  /**
   * Old owner, after {@link start}: waits until the new owner's stream is open, then marks the
   * move done if `covered()` (our stream stayed open without a gap), our connection proved it was
   * alive after that moment (`activity()`, its last frame, ping or pong, newer than when we saw
   * the move ready) and our events reached Redis (`idle()`, waited for up to 2 s of real time:
   * Redis I/O), else marks it failed. The caller then closes its stream.
   *
   * Why the proof: a connection the venue silently stalls still reads open without a gap, and
   * what it holds back is lost when we close it (chaos partition seed 432). Frames on one
   * connection arrive in order, so anything received after the new stream opened means every
   * event sent to us before that had arrived. A quiet account proves it with its next heartbeat
   * (a ping every 10 s by default), so a move may wait up to that long; a stalled connection
   * never proves it, and the new owner writes its gap marker.
   */
  async giveAway(
    leaseId: string,
    covered: () => boolean,
    idle: () => boolean,
    activity: () => number | undefined,
  ): Promise<boolean> {
    const answered = await this.waitFor(
      leaseId,
      (s) => s === undefined || s.from !== this.#workerId || s.ready,
    );
    const state = answered ? await this.state(leaseId).catch(() => undefined) : undefined;
    if (!state?.ready || state.from !== this.#workerId) return false;
    // On our own clock (no skew with the new owner's): its stream was open before we read `ready`.
    const readyAt = this.#clock.now();
    if (covered() && (await this.#aliveSince(readyAt, covered, activity))) {
      const end = Date.now() + 2_000;
      while (!idle() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      // Covered is asked again: the wait for Redis can end with our writes refused (fenced off).
      if (idle() && covered() && (await this.done(leaseId).catch(() => false))) return true;
    }
    await this.fail(leaseId).catch(() => false);
    return false;
  }

  /**
   * Polls on the clock until `activity()` is newer than `since` (true), or `covered()` no longer
   * holds or the new owner is about to give up waiting for us (false). The new owner waits
   * `timeoutMs` from its `ready`, which came before `since`: we stop a few polls short of that,
   * leaving time to mark the move.
   */
  async #aliveSince(
    since: number,
    covered: () => boolean,
    activity: () => number | undefined,
  ): Promise<boolean> {
    const end = since + this.timeoutMs - 4 * this.#pollMs;
    for (;;) {
      if ((activity() ?? Number.NEGATIVE_INFINITY) > since) return true;
      if (!covered() || this.#clock.now() >= end) return false;
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, this.#pollMs));
    }
  }

  /**
   * New owner, with its freshly opened stream: once the connection is open, marks the move
   * ready and waits for the old owner's `done` (or `failed`). True when the old owner covered
   * until then (no gap marker needed). Removes the move either way.
   */
  async receive(
    leaseId: string,
    handle: Pick<UserDataStreamHandle, 'state' | 'once' | 'off'>,
    cancelled: () => boolean,
  ): Promise<boolean> {
    const open = await new Promise<boolean>((resolve) => {
      if (handle.state === 'open') return resolve(true);
      const onOpen = () => {
        this.#clock.clearTimeout(timer);
        resolve(true);
      };
      const timer = this.#clock.setTimeout(() => {
        handle.off('open', onOpen);
        resolve(false);
      }, this.timeoutMs);
      handle.once('open', onOpen);
    });
    let covered = false;
    if (open && !cancelled() && (await this.ready(leaseId).catch(() => false))) {
      const last: { state?: HandoffState | undefined } = {};
      await this.waitFor(
        leaseId,
        (s) => {
          last.state = s;
          return s?.done === true || s?.failed === true;
        },
        cancelled,
      );
      covered = last.state?.done === true;
    }
    await this.finish(leaseId).catch(() => {});
    return covered;
  }
}

/**
 * What a newly opened stream delivered (events, its own gaps) before its continuity with the
 * previous owner is known: held, then replayed in order after the `acquired` gap marker when one
 * is needed, so that the marker precedes every event that could follow a hole (chaos fleet
 * seeds 256, 296, 392: the marker came after them). Bounded: past `max` held deliveries it stops
 * waiting for the outcome (marker, then everything held).
 */
export class Holdback {
  #held: (() => void)[] | undefined = [];
  readonly #max: number;
  readonly #gap: () => void;

  constructor(max: number, gap: () => void) {
    this.#max = max;
    this.#gap = gap;
  }

  /** Whether deliveries are held (checked first, so the hot path allocates nothing once released). */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  /** Holds `deliver` while {@link holding} (true); false once released: the caller delivers now. */
  hold(deliver: () => void): boolean {
    if (!this.#held) return false;
    this.#held.push(deliver);
    if (this.#held.length > this.#max) this.release(true);
    return true;
  }

  /** Ends the hold: the gap marker first when continuity is not proven, then what was held. */
  release(gap: boolean): void {
    const held = this.#held;
    if (!held) return;
    this.#held = undefined;
    if (gap) this.#gap();
    for (const deliver of held) deliver();
  }
}
